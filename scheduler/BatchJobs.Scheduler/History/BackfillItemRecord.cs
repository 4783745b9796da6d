using BatchJobs.Scheduler.Backfills;

namespace BatchJobs.Scheduler.History;

/// <summary>One partition of a backfill, in plan order.</summary>
/// <param name="Sequence">Position in the plan (its priority).</param>
/// <param name="Job">The job to run.</param>
/// <param name="Partition">The partition to produce.</param>
/// <param name="LogicalDate">The date the job is run with.</param>
/// <param name="Status">Where the item stands.</param>
/// <param name="Force">Recompute even when published from the same inputs (<see cref="ReprocessMode.All"/> targets).</param>
/// <param name="RunId">The last run started for it.</param>
public sealed record BackfillItemRecord(int Sequence, string Job, DateOnly Partition, DateOnly LogicalDate, bool Force, BackfillItemStatus Status, long? RunId);
