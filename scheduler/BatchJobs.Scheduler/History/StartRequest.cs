namespace BatchJobs.Scheduler.History;

/// <summary>A request to start a run of one partition under a lease.</summary>
/// <param name="Job">The job to run.</param>
/// <param name="Partition">The partition to produce.</param>
/// <param name="LogicalDate">The date the job is run with.</param>
/// <param name="Trigger">What starts the run.</param>
/// <param name="BackfillId">The backfill starting it, if any.</param>
/// <param name="Now">The current time (injectable).</param>
/// <param name="Refuse">
/// Decides, inside the transaction that takes the lease, from the partition's latest run (null when it has none),
/// whether the run must not start: returns the reason, or null to start. Deciding under the lock is what keeps two
/// ticks from running a partition twice: the second sees the first's result.
/// </param>
/// <param name="LeaseDuration">How long the lease lasts unless renewed; a crashed holder blocks the partition this long.</param>
public sealed record StartRequest(
    string Job,
    DateOnly Partition,
    DateOnly LogicalDate,
    RunTrigger Trigger,
    long? BackfillId,
    DateTimeOffset Now,
    TimeSpan LeaseDuration,
    Func<RunRecord?, string?> Refuse);
