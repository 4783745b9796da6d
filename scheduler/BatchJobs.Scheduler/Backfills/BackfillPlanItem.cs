using BatchJobs.Scheduler.Execution;
using BatchJobs.Scheduler.History;

namespace BatchJobs.Scheduler.Backfills;

/// <summary>One partition a backfill runs.</summary>
/// <param name="Run">The job, partition and logical date.</param>
/// <param name="Force">Recompute even when published from the same inputs.</param>
/// <param name="Target">A partition of a target job (otherwise an upstream partition the targets need).</param>
/// <param name="Status">Where it stands (for a resumed backfill, as recorded).</param>
public sealed record BackfillPlanItem(PartitionRun Run, bool Force, bool Target, BackfillItemStatus Status);
