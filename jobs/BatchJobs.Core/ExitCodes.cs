namespace BatchJobs.Core;

/// <summary>Process exit codes, the same under cron, Airflow and spark-submit (DESIGN.md section 5).</summary>
public static class ExitCodes
{
    /// <summary>Done: the run published its output, or found it already published with the same inputs.</summary>
    public const int Done = 0;

    /// <summary>Inputs not ready: retry later.</summary>
    public const int InputsNotReady = 20;

    /// <summary>Permanent failure: bad input, a failed blocking check, or bad arguments. Retrying will not help.</summary>
    public const int PermanentFailure = 50;

    /// <summary>Transient failure: retry with backoff.</summary>
    public const int TransientFailure = 1;
}
