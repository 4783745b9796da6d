using System.Text.Json;
using System.Xml;
using BatchJobs.Core.Snapshots;

namespace BatchJobs.Scheduler.Slo;

/// <summary>Every dataset's SLO as of a time.</summary>
/// <param name="Now">The time the report is for.</param>
/// <param name="StartDate">The first logical date the scheduler is responsible for, once a tick has recorded it.</param>
/// <param name="Lookback">Partitions that became due within this before <paramref name="Now"/> are reported.</param>
/// <param name="Datasets">Per dataset, in dependency order.</param>
public sealed record SloReport(DateTimeOffset Now, DateOnly? StartDate, TimeSpan Lookback, IReadOnlyList<DatasetSlo> Datasets)
{
    /// <summary>The exit code of <c>slo</c> when an SLO is missed or a dataset is stale: an alert, not a job failure.</summary>
    public const int MissedExitCode = 2;

    /// <summary>The SLO semantics, as <c>slo</c> states them.</summary>
    public const string Semantics =
        "A partition (a day, or the Monday of an ISO week) is due at the first schedule occurrence (cron, UTC) at or after the start of the next period " +
        "(the next day, or the next Monday, 00:00 UTC) and expected by the start of the next period plus the contract's deadline; it is met when first " +
        "published by then, missed when published later or not published once the deadline has passed (even while its run is going), at risk when " +
        "unpublished and its run failed, waits for inputs, backs off, or no longer fits before the deadline at its typical duration. Freshness: the age " +
        "of the run _LATEST names must not exceed the contract's freshness.";

    public int Count(SloState state) => Datasets.Sum(d => d.Partitions.Count(p => p.State == state));

    public IReadOnlyList<DatasetSlo> Stale => Datasets.Where(d => !d.Freshness.Ok).ToList();

    /// <summary>0, or <see cref="MissedExitCode"/> when a partition missed its deadline or a dataset is stale.</summary>
    public int ExitCode => Count(SloState.Missed) > 0 || Stale.Count > 0 ? MissedExitCode : 0;

    /// <summary>The report as JSON (snake_case; times in UTC ISO-8601, durations in ISO-8601 and in seconds).</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        now = Now.UtcDateTime,
        start_date = StartDate,
        lookback = XmlConvert.ToString(Lookback),
        semantics = Semantics,
        summary = new
        {
            met = Count(SloState.Met),
            missed = Count(SloState.Missed),
            at_risk = Count(SloState.AtRisk),
            on_track = Count(SloState.OnTrack),
            stale = Stale.Select(d => d.Dataset).ToList(),
            exit_code = ExitCode,
        },
        datasets = Datasets.Select(d => new
        {
            dataset = d.Dataset,
            job = d.Job,
            schedule = d.Schedule,
            deadline = XmlConvert.ToString(d.Deadline),
            latest_checks = d.LatestChecks,
            freshness = new
            {
                latest_partition = d.Freshness.LatestPartition,
                published_at = d.Freshness.PublishedAt?.UtcDateTime,
                age_seconds = d.Freshness.Age?.TotalSeconds,
                limit = XmlConvert.ToString(d.Freshness.Limit),
                ok = d.Freshness.Ok,
            },
            partitions = d.Partitions.Select(p => new
            {
                partition = p.Partition,
                due_at = p.DueAt.UtcDateTime,
                expected_by = p.ExpectedBy.UtcDateTime,
                published_at = p.PublishedAt?.UtcDateTime,
                lateness_seconds = p.Lateness.TotalSeconds,
                state = p.State,
                detail = p.Detail,
                run = p.LastRun is null ? null : new { id = p.LastRun.Id, status = p.LastRun.Status, attempt = p.LastRun.Attempt, exit_code = p.LastRun.ExitCode },
                checks = p.Checks,
            }).ToList(),
        }).ToList(),
    }, SnapshotManifest.JsonOptions);
}
