using BatchJobs.Scheduler.Execution;
using BatchJobs.Scheduler.History;

namespace BatchJobs.Scheduler.Backfills;

/// <summary>What a backfill runs, in order of priority, and which target partitions it leaves alone and why.</summary>
/// <param name="Targets">The target jobs, in name order.</param>
/// <param name="From">The first date of the range.</param>
/// <param name="To">The last date of the range.</param>
/// <param name="Reprocess">Which target partitions were selected.</param>
/// <param name="Items">The partitions to run, upstream ones included, in order of priority.</param>
/// <param name="Skipped">Target partitions not selected, with the reason.</param>
/// <param name="Resumed">The unfinished backfill with the same targets, range and mode that this plan continues, if any.</param>
public sealed record BackfillPlan(IReadOnlyList<string> Targets, DateOnly From, DateOnly To, ReprocessMode Reprocess, IReadOnlyList<BackfillPlanItem> Items,
    IReadOnlyList<(PartitionRun Run, string Reason)> Skipped, BackfillRecord? Resumed)
{
    /// <summary>Items left to run.</summary>
    public IReadOnlyList<BackfillPlanItem> Remaining => Items.Where(i => i.Status != BackfillItemStatus.Succeeded).ToList();
}
