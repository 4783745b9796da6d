namespace BatchJobs.Scheduler.Backfills;

/// <summary>Which partitions of the targets' range a backfill runs.</summary>
public enum ReprocessMode
{
    /// <summary>Only partitions that were never run and are not published (fill the gaps).</summary>
    None,

    /// <summary>The gaps, plus unpublished partitions whose last run failed.</summary>
    Failed,

    /// <summary>Every partition, recomputed even when published from the same inputs.</summary>
    All,
}
