namespace BatchJobs.Scheduler.History;

/// <summary>Where one partition of a backfill stands.</summary>
public enum BackfillItemStatus
{
    /// <summary>Not run yet, or its last attempt was interrupted or blocked.</summary>
    Pending,

    Succeeded,

    /// <summary>Failed for good in the last invocation; a resumed backfill tries it again.</summary>
    Failed,

    /// <summary>An input outside the backfill was not published.</summary>
    Waiting,
}
