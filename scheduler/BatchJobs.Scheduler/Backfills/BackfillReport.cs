using BatchJobs.Core;
using BatchJobs.Scheduler.Execution;
using BatchJobs.Scheduler.History;

namespace BatchJobs.Scheduler.Backfills;

/// <summary>What one invocation of a backfill did.</summary>
/// <param name="Backfill">The backfill as recorded.</param>
/// <param name="Outcomes">The items this invocation tried, in the order tried (blocked ones included).</param>
/// <param name="Finished">True when every item of the backfill has succeeded.</param>
public sealed record BackfillReport(BackfillRecord Backfill, IReadOnlyList<RunOutcome> Outcomes, bool Finished)
{
    /// <summary>
    /// 0 when finished; 50 when an item failed permanently; 1 when an item ran out of retries; otherwise 20 (items
    /// wait for inputs, are leased by another process, or are blocked): run the same command again to resume.
    /// </summary>
    public int ExitCode =>
        Finished ? ExitCodes.Done
        : Outcomes.Any(o => o.Record?.ExitCode == ExitCodes.PermanentFailure) ? ExitCodes.PermanentFailure
        : Outcomes.Any(o => o.Kind == RunOutcomeKind.Failed) ? ExitCodes.TransientFailure
        : ExitCodes.InputsNotReady;
}
