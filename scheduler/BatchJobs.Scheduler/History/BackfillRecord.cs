using BatchJobs.Scheduler.Backfills;

namespace BatchJobs.Scheduler.History;

/// <summary>A backfill as recorded: what was asked for and when it finished.</summary>
/// <param name="Id">The backfill id that its runs record.</param>
/// <param name="Targets">The target jobs, in name order.</param>
/// <param name="From">The first date of the range.</param>
/// <param name="To">The last date of the range.</param>
/// <param name="Reprocess">Which partitions of the targets were selected.</param>
/// <param name="CreatedAt">When the backfill was planned.</param>
/// <param name="FinishedAt">When every item succeeded; null while there is work left (it can be resumed).</param>
public sealed record BackfillRecord(long Id, IReadOnlyList<string> Targets, DateOnly From, DateOnly To, ReprocessMode Reprocess, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);
