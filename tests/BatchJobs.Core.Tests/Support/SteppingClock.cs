namespace BatchJobs.Core.Tests.Support;

/// <summary>
/// A clock that moves one second forward on every reading, so run ids made from it sort in creation order even when
/// two runs start within the same millisecond.
/// </summary>
public sealed class SteppingClock(DateTimeOffset start) : TimeProvider
{
    private long readings;

    public SteppingClock() : this(new DateTimeOffset(2026, 11, 1, 6, 0, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow() => start.AddSeconds(Interlocked.Increment(ref readings) - 1);
}
