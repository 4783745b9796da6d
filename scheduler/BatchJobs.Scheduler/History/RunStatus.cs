namespace BatchJobs.Scheduler.History;

/// <summary>Where a recorded run stands.</summary>
public enum RunStatus
{
    /// <summary>Started and holding the partition's lease.</summary>
    Running,

    /// <summary>Published, or found already published from the same inputs (exit 0).</summary>
    Succeeded,

    /// <summary>An input partition was not published yet (exit 20); not a failure, tried again on the next tick.</summary>
    Waiting,

    /// <summary>Failed; retried at <see cref="RunRecord.NextAttemptAt"/>, or for good when that is null.</summary>
    Failed,

    /// <summary>Its lease expired without the run finishing: the holder crashed or hung. Counts as a failed attempt.</summary>
    Abandoned,

    /// <summary>Stopped by the operator (Ctrl-C); does not use up an attempt.</summary>
    Cancelled,
}
