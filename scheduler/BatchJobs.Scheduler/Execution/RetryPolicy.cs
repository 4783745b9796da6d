namespace BatchJobs.Scheduler.Execution;

/// <summary>
/// How a job's transient failures are retried: attempt <c>n</c> (1-based) that fails is retried after
/// <c>min(MaxDelay, InitialDelay × Multiplier^(n-1))</c>, up to <see cref="MaxAttempts"/> attempts in all. A permanent
/// failure (exit 50) is never retried; waiting for inputs (exit 20) is not a failure and uses up no attempt.
/// </summary>
/// <param name="MaxAttempts">Attempts in all, the first included (at least 1).</param>
/// <param name="InitialDelay">Delay after the first failed attempt.</param>
/// <param name="Multiplier">Growth of the delay per further attempt (at least 1).</param>
/// <param name="MaxDelay">Cap of the delay.</param>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan InitialDelay, double Multiplier, TimeSpan MaxDelay)
{
    /// <summary>3 attempts, 5 minutes after the first failure, doubling, at most an hour apart.</summary>
    public static RetryPolicy Default { get; } = new(3, TimeSpan.FromMinutes(5), 2, TimeSpan.FromHours(1));

    /// <summary>True when attempt <paramref name="attempt"/> may be followed by another.</summary>
    public bool AllowsRetryAfter(int attempt) => attempt < MaxAttempts;

    /// <summary>The delay before the attempt that follows failed attempt <paramref name="attempt"/>.</summary>
    public TimeSpan DelayAfter(int attempt)
    {
        var ticks = InitialDelay.Ticks * Math.Pow(Multiplier, attempt - 1);
        return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The same policy with another number of attempts.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one attempt.</exception>
    public RetryPolicy WithMaxAttempts(int attempts) => attempts >= 1
        ? this with { MaxAttempts = attempts }
        : throw new ArgumentOutOfRangeException(nameof(attempts), attempts, "a job needs at least 1 attempt");
}
