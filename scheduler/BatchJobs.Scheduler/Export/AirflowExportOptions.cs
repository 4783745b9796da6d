using BatchJobs.Scheduler.Execution;

namespace BatchJobs.Scheduler.Export;

/// <summary>What <see cref="AirflowExporter"/> writes into the DAG file.</summary>
public sealed record AirflowExportOptions
{
    /// <summary>The data root the tasks pass to the jobs (as seen from the Airflow workers).</summary>
    public required string Root { get; init; }

    /// <summary>The contracts folder the tasks pass with <c>--contracts</c>; null to use the tool's own.</summary>
    public string? Contracts { get; init; }

    public AirflowEngine Engine { get; init; } = AirflowEngine.Local;

    /// <summary>The program tasks call; default <c>batchjobs</c>, or <c>spark-submit.sh</c> for <see cref="AirflowEngine.Spark"/>.</summary>
    public string? Command { get; init; }

    /// <summary>The DAGs' <c>start_date</c> (catchup is off, so only the first run's date).</summary>
    public required DateOnly StartDate { get; init; }

    /// <summary>Default of <see cref="AlertCallback"/>.</summary>
    public const string DefaultAlertCallback = "batchjobs_alerts.deadline_missed";

    /// <summary>
    /// Dotted path of the async callable the triggerer calls when a deadline passes; default
    /// <see cref="DefaultAlertCallback"/> (put such a module on the triggerer's path, e.g. in plugins/).
    /// </summary>
    public string AlertCallback { get; init; } = DefaultAlertCallback;

    /// <summary>Retry policies; Airflow retries with its own doubling backoff from the initial delay up to the cap.</summary>
    public SchedulerOptions Scheduler { get; init; } = new();

    public string EffectiveCommand => Command ?? (Engine == AirflowEngine.Spark ? "spark-submit.sh" : "batchjobs");
}
