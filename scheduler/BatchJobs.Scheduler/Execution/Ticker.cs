using BatchJobs.Core.Jobs;
using BatchJobs.Scheduler.Dag;
using BatchJobs.Scheduler.History;

namespace BatchJobs.Scheduler.Execution;

/// <summary>
/// One tick, the cron entry point: starts every due partition (see <see cref="ScheduledJob"/>) from the start date on
/// that has not succeeded, in dependency order. A partition whose input is not published yet is recorded as waiting
/// and tried again by the next tick; a failure is retried with exponential backoff up to the job's attempts; a
/// permanent failure (exit 50) is not retried. Partition leases make concurrent ticks (and backfills) safe.
/// </summary>
public sealed class Ticker(ScheduledDag dag, RunStore store, JobRunner runner, SchedulerOptions options, TimeProvider clock)
{
    /// <summary>Runs one tick at the clock's current time.</summary>
    /// <param name="start">
    /// The first logical date the scheduler is responsible for; recorded on the first tick (default: the day before
    /// the tick) and replaced when given. Earlier partitions are left to <c>backfill</c>.
    /// </param>
    /// <param name="progress">Called as each started run ends.</param>
    /// <param name="cancellationToken">Stops starting runs and cancels the running ones.</param>
    public async Task<TickReport> TickAsync(DateOnly? start, Action<RunOutcome>? progress, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var startDate = store.EnsureStartDate(start ?? DateOnly.FromDateTime(now.UtcDateTime).AddDays(-1), replace: start is not null);
        var partitionRunner = new PartitionRunner(store, runner, options, clock);
        var abandoned = store.ExpireLeases(now, partitionRunner.NextAttemptOfAbandoned);
        var since = dag.Jobs.Min(j => j.PartitionOf(startDate));
        var succeeded = store.SucceededPartitions(since);
        var unsettled = store.LatestRuns(since, includeSucceeded: false);

        var due = new List<PartitionRun>();
        var deferred = new List<(PartitionRun, string)>();
        foreach (var job in dag.Jobs)
            foreach (var partition in job.DuePartitions(startDate, now))
            {
                if (succeeded.Contains((job.Name, partition))) continue;
                var run = new PartitionRun(job.Name, partition, job.LogicalDate(partition));
                var last = unsettled.GetValueOrDefault((job.Name, partition));
                var refusal = Refusal(last, now);
                if (refusal is null) due.Add(run);
                else if (last is { Status: RunStatus.Running } or { Status: RunStatus.Failed or RunStatus.Abandoned, NextAttemptAt: not null }) deferred.Add((run, refusal));
            }
        var ordered = due.OrderBy(r => r.LogicalDate).ThenBy(r => dag.Job(r.Job).Rank).ToList();
        var outcomes = await DependencyExecutor.RunAsync(dag, ordered, options.MaxParallel, async run =>
        {
            var outcome = await partitionRunner.RunAsync(run, RunTrigger.Scheduled, backfillId: null, force: false, last => Refusal(last, clock.GetUtcNow()), cancellationToken);
            progress?.Invoke(outcome);
            return outcome;
        }, cancellationToken);
        return new TickReport(now, startDate, abandoned, outcomes, deferred);
    }

    /// <summary>Why a tick must not start a partition given its latest run, or null to start it.</summary>
    internal static string? Refusal(RunRecord? last, DateTimeOffset now) => last switch
    {
        null or { Status: RunStatus.Waiting or RunStatus.Cancelled } => null,
        { Status: RunStatus.Succeeded } => $"already succeeded in run #{last.Id}",
        { Status: RunStatus.Running } => $"running as run #{last.Id} on {last.Host} (process {last.ProcessId})",
        { NextAttemptAt: null } => $"failed for good in run #{last.Id} (attempt {last.Attempt}, exit {last.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}); fix the cause, then backfill it with --reprocess failed",
        { NextAttemptAt: { } next } when next > now => $"backing off: attempt {last.Attempt + 1} not before {next:yyyy-MM-dd HH:mm:ss} UTC",
        _ => null,
    };
}
