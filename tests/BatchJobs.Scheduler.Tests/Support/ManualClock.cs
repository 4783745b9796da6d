namespace BatchJobs.Scheduler.Tests.Support;

/// <summary>A clock that stands still until the test moves it; timers (lease renewal, backoff waits) run in real time.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

    public void Set(DateTimeOffset time) => Interlocked.Exchange(ref ticks, time.UtcTicks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);
}
