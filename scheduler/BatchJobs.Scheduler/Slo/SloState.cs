namespace BatchJobs.Scheduler.Slo;

/// <summary>Where a due partition stands against its delivery deadline.</summary>
public enum SloState
{
    /// <summary>Published by its expected-by time.</summary>
    Met,

    /// <summary>Published late, or not published and the deadline has passed (even while its run is still going).</summary>
    Missed,

    /// <summary>
    /// Not published, deadline not passed, but in trouble: its run failed, waits for inputs, backs off before a retry,
    /// or the job's typical duration no longer fits before the deadline.
    /// </summary>
    AtRisk,

    /// <summary>Not published yet, and its run (or the next tick) can still make the deadline.</summary>
    OnTrack,
}
