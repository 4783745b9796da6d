namespace BatchJobs.Scheduler.Execution;

/// <summary>How ticks and backfills run partitions.</summary>
public sealed record SchedulerOptions
{
    /// <summary>Partitions run at once by one process; default 1. At most one partition per job runs at a time.</summary>
    public int MaxParallel { get; init; } = 1;

    /// <summary>
    /// How long a partition's lease lasts without renewal; default 10 minutes. A running partition renews it every
    /// third of this, so a crashed holder blocks its partition for at most this long.
    /// </summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The retry policy of jobs without their own; default <see cref="RetryPolicy.Default"/>.</summary>
    public RetryPolicy DefaultRetry { get; init; } = RetryPolicy.Default;

    /// <summary>Per-job retry policies that override <see cref="DefaultRetry"/>.</summary>
    public IReadOnlyDictionary<string, RetryPolicy> Retry { get; init; } = new Dictionary<string, RetryPolicy>(StringComparer.Ordinal);

    public RetryPolicy RetryFor(string job) => Retry.TryGetValue(job, out var policy) ? policy : DefaultRetry;
}
