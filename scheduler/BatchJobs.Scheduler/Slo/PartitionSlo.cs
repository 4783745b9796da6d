using BatchJobs.Scheduler.History;

namespace BatchJobs.Scheduler.Slo;

/// <summary>One dataset partition against its SLO.</summary>
/// <param name="Dataset">The dataset.</param>
/// <param name="Partition">The partition (a day, or the Monday of a week).</param>
/// <param name="DueAt">When the producing job became due (first schedule occurrence after the period).</param>
/// <param name="ExpectedBy">The start of the next period plus the contract's deadline.</param>
/// <param name="PublishedAt">When the partition was first published (the manifest's <c>created_at</c>), if it is.</param>
/// <param name="Lateness">Published (or, unpublished, now) minus expected by: positive when late, negative when early.</param>
/// <param name="State">Met, missed, at risk or on track.</param>
/// <param name="Detail">Why, in words: the run's state, the lateness, what is being waited for.</param>
/// <param name="LastRun">The latest run of the partition, if the scheduler ran it.</param>
/// <param name="Checks">The partition's check results, e.g. <c>9/9 passed</c>; null when unpublished.</param>
public sealed record PartitionSlo(string Dataset, DateOnly Partition, DateTimeOffset DueAt, DateTimeOffset ExpectedBy, DateTimeOffset? PublishedAt,
    TimeSpan Lateness, SloState State, string Detail, RunRecord? LastRun, string? Checks);
