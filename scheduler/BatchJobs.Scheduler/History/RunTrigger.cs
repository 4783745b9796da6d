namespace BatchJobs.Scheduler.History;

/// <summary>What started a run.</summary>
public enum RunTrigger
{
    /// <summary>A tick found the partition due.</summary>
    Scheduled,

    /// <summary>A backfill over a range of dates.</summary>
    Backfill,

    /// <summary>An operator ran the job by hand.</summary>
    Manual,
}
