namespace BatchJobs.Scheduler.Slo;

/// <summary>One dataset's SLO: its declared objectives, its due partitions, its freshness and its latest checks.</summary>
/// <param name="Dataset">The dataset.</param>
/// <param name="Job">The producing job.</param>
/// <param name="Schedule">The cron (UTC) the job is due on.</param>
/// <param name="Deadline">The contract's deadline (after the end of the partition's period).</param>
/// <param name="Freshness">The freshness of <c>_LATEST</c>.</param>
/// <param name="Partitions">The reported partitions, oldest first.</param>
/// <param name="LatestChecks">The check results of the run <c>_LATEST</c> names, e.g. <c>9/9 passed</c>.</param>
public sealed record DatasetSlo(string Dataset, string Job, string Schedule, TimeSpan Deadline, Freshness Freshness, IReadOnlyList<PartitionSlo> Partitions,
    string? LatestChecks);
