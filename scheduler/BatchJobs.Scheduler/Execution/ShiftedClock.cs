namespace BatchJobs.Scheduler.Execution;

/// <summary>
/// A clock that starts at a given time and then advances with the system clock: what <c>--now</c> means, so a tick
/// "at" a past or future time still measures real durations.
/// </summary>
public sealed class ShiftedClock(DateTimeOffset start) : TimeProvider
{
    private readonly TimeSpan offset = start - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
