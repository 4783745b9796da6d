namespace BatchJobs.Scheduler.Slo;

/// <summary>How old the run <c>_LATEST</c> names is, against the contract's freshness.</summary>
/// <param name="LatestPartition">The partition <c>_LATEST</c> names; null when never published.</param>
/// <param name="PublishedAt">When that run was published.</param>
/// <param name="Age">Now minus <paramref name="PublishedAt"/>.</param>
/// <param name="Limit">The contract's <c>slo.freshness</c>.</param>
/// <param name="Ok">False when older than the limit, or never published while partitions are due.</param>
public sealed record Freshness(DateOnly? LatestPartition, DateTimeOffset? PublishedAt, TimeSpan? Age, TimeSpan Limit, bool Ok);
