using BatchJobs.Core;
using BatchJobs.Scheduler.History;

namespace BatchJobs.Scheduler.Execution;

/// <summary>What one tick did.</summary>
/// <param name="Now">The tick's time.</param>
/// <param name="StartDate">The first logical date the scheduler is responsible for.</param>
/// <param name="Abandoned">Runs whose leases had expired, recorded as abandoned by this tick.</param>
/// <param name="Outcomes">Every due partition the tick tried, in the order tried.</param>
/// <param name="Deferred">Due partitions left alone: backing off before a retry, or running in another process.</param>
public sealed record TickReport(DateTimeOffset Now, DateOnly StartDate, IReadOnlyList<RunRecord> Abandoned, IReadOnlyList<RunOutcome> Outcomes,
    IReadOnlyList<(PartitionRun Run, string Reason)> Deferred)
{
    public int Count(RunOutcomeKind kind) => Outcomes.Count(o => o.Kind == kind);

    /// <summary>
    /// 50 when a run failed permanently, 1 when a run failed otherwise (retried later or out of attempts), else 0:
    /// waiting for inputs and backing off are not failures of the tick.
    /// </summary>
    public int ExitCode =>
        Outcomes.Any(o => o.Record?.ExitCode == ExitCodes.PermanentFailure) ? ExitCodes.PermanentFailure
        : Outcomes.Any(o => o.Kind == RunOutcomeKind.Failed) ? ExitCodes.TransientFailure
        : ExitCodes.Done;
}
