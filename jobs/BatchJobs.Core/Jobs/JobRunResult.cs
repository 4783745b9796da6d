using BatchJobs.Core.Snapshots;

namespace BatchJobs.Core.Jobs;

public enum JobRunStatus
{
    /// <summary>New snapshots were published.</summary>
    Published,

    /// <summary>Every output partition is already published from the same inputs; nothing was recomputed.</summary>
    UpToDate,

    /// <summary>An input is not published yet.</summary>
    InputsNotReady,

    /// <summary>Bad input, a failed blocking check or bad arguments.</summary>
    PermanentFailure,

    /// <summary>Anything else; retry with backoff.</summary>
    TransientFailure,
}

/// <summary>The outcome of one job run, with its exit code.</summary>
public sealed record JobRunResult(string Job, DateOnly Date, string RunId, JobRunStatus Status, string Message, IReadOnlyList<SnapshotManifest> Manifests)
{
    public int ExitCode => Status switch
    {
        JobRunStatus.Published or JobRunStatus.UpToDate => Core.ExitCodes.Done,
        JobRunStatus.InputsNotReady => Core.ExitCodes.InputsNotReady,
        JobRunStatus.PermanentFailure => Core.ExitCodes.PermanentFailure,
        _ => Core.ExitCodes.TransientFailure,
    };
}
