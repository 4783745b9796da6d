namespace BatchJobs.Scheduler.Export;

/// <summary>What <see cref="CrontabExporter"/> writes.</summary>
public sealed record CrontabOptions
{
    /// <summary>The data root.</summary>
    public required string Root { get; init; }

    /// <summary>The contracts folder passed with <c>--contracts</c>; null to use the tool's own.</summary>
    public string? Contracts { get; init; }

    /// <summary>The program cron calls; default <c>batchjobs</c>.</summary>
    public string Command { get; init; } = "batchjobs";

    /// <summary>Where the tick log and the last SLO report go; default <c>&lt;root&gt;/logs</c>.</summary>
    public string? LogDirectory { get; init; }

    /// <summary>Partitions one tick runs at once; default 1.</summary>
    public int MaxParallel { get; init; } = 1;
}
