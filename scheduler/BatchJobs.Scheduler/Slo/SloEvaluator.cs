using BatchJobs.Core.Contracts;
using BatchJobs.Core.Snapshots;
using BatchJobs.Scheduler.Dag;
using BatchJobs.Scheduler.History;

namespace BatchJobs.Scheduler.Slo;

/// <summary>
/// Evaluates each dataset's SLO per partition (see <see cref="SloReport.Semantics"/>) from the published snapshots and,
/// when there is one, the run history: deadlines are judged on when a partition was first published, and an
/// unpublished partition is reported missed as soon as its deadline passes, before its run ends.
/// </summary>
/// <param name="dag">The jobs and their calendars.</param>
/// <param name="reader">The snapshot store.</param>
/// <param name="store">The run history, or null where the scheduler never ran (only manifests are used then).</param>
public sealed class SloEvaluator(ScheduledDag dag, SnapshotReader reader, RunStore? store)
{
    /// <summary>Every dataset's partitions that became due within <paramref name="lookback"/> before <paramref name="now"/>.</summary>
    public SloReport Report(DateTimeOffset now, TimeSpan lookback)
    {
        var startDate = store?.StartDate();
        var windowStart = now - lookback;
        var earliest = DateOnly.FromDateTime(windowStart.UtcDateTime).AddDays(-8);
        var latestRuns = store?.LatestRuns(earliest) ?? new Dictionary<(string, DateOnly), RunRecord>();
        var deliveries = store?.FirstDeliveries(earliest) ?? new Dictionary<(string, DateOnly), DateTimeOffset>();
        var datasets = new List<DatasetSlo>();
        foreach (var job in dag.Jobs)
        {
            var typical = store?.TypicalDuration(job.Name);
            var first = startDate is { } start && job.PartitionOf(start) > earliest ? job.PartitionOf(start) : earliest;
            var partitions = job.DuePartitions(first, now).Where(p => job.DueAt(p) > windowStart).ToList();
            foreach (var contract in job.Produces)
            {
                var slos = partitions.Select(p => Evaluate(job, contract, p, now, latestRuns.GetValueOrDefault((job.Name, p)),
                    deliveries.TryGetValue((contract.Name, p), out var at) ? at : null, typical)).ToList();
                datasets.Add(DatasetSlo(job, contract, now, slos));
            }
        }
        return new SloReport(now, startDate, lookback, datasets);
    }

    /// <summary>One dataset partition (due or not) against its SLO as of <paramref name="now"/>.</summary>
    public PartitionSlo Evaluate(DatasetContract contract, DateOnly partition, DateTimeOffset now)
    {
        var job = dag.ProducerOf(contract.Name);
        DateTimeOffset? first = store is not null && store.FirstDeliveries(partition).TryGetValue((contract.Name, partition), out var at) ? at : null;
        return Evaluate(job, contract, partition, now, store?.LatestRun(job.Name, partition), first, store?.TypicalDuration(job.Name));
    }

    /// <summary>The freshness of a dataset's <c>_LATEST</c> as of <paramref name="now"/>.</summary>
    /// <param name="contract">The dataset.</param>
    /// <param name="now">The time to judge at.</param>
    /// <param name="dueSince">
    /// When its first partition the scheduler is responsible for became due: a dataset never published is stale only
    /// once that is longer ago than the freshness limit (null: a dataset never published is stale).
    /// </param>
    public Freshness FreshnessOf(DatasetContract contract, DateTimeOffset now, DateTimeOffset? dueSince = null)
    {
        var latest = reader.TryResolveLatest(contract.Name);
        if (latest is null) return new Freshness(null, null, null, contract.Slo.Freshness, Ok: dueSince is { } since && now - since <= contract.Slo.Freshness);
        var age = now - latest.Manifest.CreatedAt;
        return new Freshness(latest.Partition, latest.Manifest.CreatedAt, age, contract.Slo.Freshness, age <= contract.Slo.Freshness);
    }

    private DatasetSlo DatasetSlo(ScheduledJob job, DatasetContract contract, DateTimeOffset now, IReadOnlyList<PartitionSlo> partitions)
    {
        var latest = reader.TryResolveLatest(contract.Name);
        return new DatasetSlo(contract.Name, job.Name, job.Schedule, contract.Slo.Deadline, FreshnessOf(contract, now, partitions.Count > 0 ? partitions[0].DueAt : now), partitions,
            latest is null ? null : ChecksSummary(latest.Manifest));
    }

    private PartitionSlo Evaluate(ScheduledJob job, DatasetContract contract, DateOnly partition, DateTimeOffset now, RunRecord? last, DateTimeOffset? firstDelivery,
        TimeSpan? typical)
    {
        var due = job.DueAt(partition);
        var expected = job.ExpectedBy(contract, partition);
        var snapshot = reader.TryResolve(contract.Name, partition);
        var publishedAt = firstDelivery ?? snapshot?.Manifest.CreatedAt;
        var checks = snapshot is null ? null : ChecksSummary(snapshot.Manifest);
        PartitionSlo Result(SloState state, TimeSpan lateness, string detail) =>
            new(contract.Name, partition, due, expected, publishedAt, lateness, state, detail, last, checks);

        if (publishedAt is { } at)
            return at <= expected
                ? Result(SloState.Met, at - expected, $"published {Span(expected - at)} before the deadline")
                : Result(SloState.Missed, at - expected, $"published {Span(at - expected)} late");
        if (now > expected)
            return Result(SloState.Missed, now - expected, $"not published {Span(now - expected)} after the deadline; {RunState(last, now, due)}");
        if (last is { Status: RunStatus.Failed or RunStatus.Abandoned or RunStatus.Waiting or RunStatus.Cancelled })
            return Result(SloState.AtRisk, now - expected, $"{Span(expected - now)} left; {RunState(last, now, due)}");
        if (now >= due && typical is { } usual)
        {
            var remaining = last is { Status: RunStatus.Running } ? usual - (now - last.StartedAt) : usual;
            if (remaining > TimeSpan.Zero && now + remaining > expected)
                return Result(SloState.AtRisk, now - expected, $"{Span(expected - now)} left but the job typically needs {Span(usual)}; {RunState(last, now, due)}");
        }
        return Result(SloState.OnTrack, now - expected, now < due ? $"due at {due:yyyy-MM-dd HH:mm} UTC" : $"{Span(expected - now)} left; {RunState(last, now, due)}");
    }

    private static string RunState(RunRecord? last, DateTimeOffset now, DateTimeOffset due) => last switch
    {
        null => now < due ? "not due yet" : "not started (is the tick running?)",
        { Status: RunStatus.Running } => $"run #{last.Id} running for {Span(now - last.StartedAt)}",
        { Status: RunStatus.Waiting } => $"run #{last.Id} waiting for inputs: {last.ErrorSummary}",
        { Status: RunStatus.Succeeded } => $"run #{last.Id} succeeded but the dataset partition is not in the store",
        { NextAttemptAt: { } next } => $"run #{last.Id} attempt {last.Attempt} {last.Status.ToString().ToLowerInvariant()}, retry at {next:yyyy-MM-dd HH:mm} UTC: {last.ErrorSummary}",
        { Status: RunStatus.Cancelled } => $"run #{last.Id} cancelled",
        _ => $"run #{last.Id} failed for good (attempt {last.Attempt}, exit {last.ExitCode}): {last.ErrorSummary}",
    };

    private static string ChecksSummary(SnapshotManifest manifest)
    {
        var failed = manifest.Checks.Where(c => c.Status == CheckStatus.Failed).Select(c => c.Name).ToList();
        return $"{manifest.Checks.Count - failed.Count}/{manifest.Checks.Count} passed" + (failed.Count > 0 ? "; failed (warn): " + string.Join(", ", failed) : "");
    }

    /// <summary>A duration for people: <c>2h 05m</c>, <c>40m</c>, <c>3d 4h</c>.</summary>
    public static string Span(TimeSpan span)
    {
        span = span.Duration();
        return span.TotalDays >= 1 ? $"{(int)span.TotalDays}d {span.Hours}h"
            : span.TotalHours >= 1 ? $"{(int)span.TotalHours}h {span.Minutes:00}m"
            : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m"
            : $"{(int)span.TotalSeconds}s";
    }
}
