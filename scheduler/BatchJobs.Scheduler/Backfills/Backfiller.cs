using BatchJobs.Core;
using BatchJobs.Core.Jobs;
using BatchJobs.Scheduler.Dag;
using BatchJobs.Scheduler.Execution;
using BatchJobs.Scheduler.History;

namespace BatchJobs.Scheduler.Backfills;

/// <summary>
/// Runs every partition of one or more target jobs over a range of dates, upstream partitions first, as runs with
/// trigger <c>backfill</c>. The plan is recorded before the first run, so an interrupted or failed backfill resumes
/// where it stopped when started again with the same targets, range and <see cref="ReprocessMode"/>.
/// </summary>
/// <remarks>
/// Upstream partitions the targets read (their input windows, back to the first date of the range) are added when
/// they are not published; <see cref="ReprocessMode"/> applies to the targets only. Failures are retried in-process
/// with the job's backoff; a partition whose upstream did not succeed is not started. Partition leases keep a
/// backfill and concurrent ticks from running a partition twice.
/// </remarks>
public sealed class Backfiller(ScheduledDag dag, RunStore store, JobRunner runner, SchedulerOptions options, TimeProvider clock)
{
    /// <summary>Plans a backfill, or picks up the unfinished one with the same targets, range and mode. Writes nothing.</summary>
    /// <param name="targets">Datasets or jobs.</param>
    /// <param name="from">The first date.</param>
    /// <param name="to">The last date.</param>
    /// <param name="reprocess">Which target partitions to run.</param>
    /// <param name="reverse">Newest dates first (upstream partitions still run before the partitions that read them).</param>
    /// <exception cref="UsageException">An unknown target, or a range that ends before it starts.</exception>
    public BackfillPlan Plan(IReadOnlyList<string> targets, DateOnly from, DateOnly to, ReprocessMode reprocess, bool reverse)
    {
        if (to < from) throw new UsageException($"--to {to:yyyy-MM-dd} is before --from {from:yyyy-MM-dd}");
        if (targets.Count == 0) throw new UsageException("name at least one dataset or job to backfill");
        var jobs = targets.Select(dag.Resolve).DistinctBy(j => j.Name).OrderBy(j => j.Name, StringComparer.Ordinal).ToList();
        var names = jobs.Select(j => j.Name).ToList();
        var open = store.FindOpenBackfill(names, from, to, reprocess);
        if (open is not null)
        {
            var recorded = store.BackfillItems(open.Id)
                .Select(i => new BackfillPlanItem(new PartitionRun(i.Job, i.Partition, i.LogicalDate), i.Force, names.Contains(i.Job), i.Status)).ToList();
            return new BackfillPlan(names, from, to, reprocess, recorded, [], open);
        }

        var since = dag.Jobs.Min(j => j.PartitionOf(from));
        var latest = store.LatestRuns(since, includeSucceeded: false);
        var items = new Dictionary<(string, DateOnly), BackfillPlanItem>();
        var skipped = new List<(PartitionRun, string)>();
        foreach (var job in jobs)
            foreach (var partition in job.PartitionsBetween(from, to))
            {
                var run = new PartitionRun(job.Name, partition, job.LogicalDate(partition));
                var reason = reprocess == ReprocessMode.All ? null : SkipReason(job, partition, latest.GetValueOrDefault((job.Name, partition)), reprocess);
                if (reason is null) items[(job.Name, partition)] = new BackfillPlanItem(run, reprocess == ReprocessMode.All, Target: true, BackfillItemStatus.Pending);
                else skipped.Add((run, reason));
            }
        AddMissingUpstream(items, from);
        var ordered = (reverse ? items.Values.OrderByDescending(i => i.Run.LogicalDate) : items.Values.OrderBy(i => i.Run.LogicalDate))
            .ThenBy(i => dag.Job(i.Run.Job).Rank).ToList();
        return new BackfillPlan(names, from, to, reprocess, ordered, skipped, null);
    }

    /// <summary>Records the plan (unless it resumes a recorded one) and runs what is left of it.</summary>
    /// <param name="plan">From <see cref="Plan"/>.</param>
    /// <param name="progress">Called as each item ends, and for each failed attempt that will be retried.</param>
    /// <param name="cancellationToken">Interrupts the backfill: running items are recorded as cancelled and it can be resumed.</param>
    public async Task<BackfillReport> RunAsync(BackfillPlan plan, Action<RunOutcome>? progress, CancellationToken cancellationToken)
    {
        var backfill = plan.Resumed ?? store.CreateBackfill(plan.Targets, plan.From, plan.To, plan.Reprocess, clock.GetUtcNow(),
            plan.Items.Select(i => (i.Run.Job, i.Run.Partition, i.Run.LogicalDate, i.Force)).ToList());
        var remaining = plan.Remaining;
        var force = remaining.ToDictionary(i => i.Run, i => i.Force);
        var partitionRunner = new PartitionRunner(store, runner, options, clock);
        var outcomes = await DependencyExecutor.RunAsync(dag, remaining.Select(i => i.Run).ToList(), options.MaxParallel, async run =>
        {
            var outcome = await RunItemAsync(partitionRunner, backfill.Id, run, force[run], progress, cancellationToken);
            var status = outcome.Kind switch
            {
                RunOutcomeKind.Succeeded => BackfillItemStatus.Succeeded,
                RunOutcomeKind.Failed => BackfillItemStatus.Failed,
                RunOutcomeKind.Waiting => BackfillItemStatus.Waiting,
                _ => BackfillItemStatus.Pending,
            };
            store.UpdateBackfillItem(backfill.Id, run.Job, run.Partition, status, outcome.Record?.Id);
            progress?.Invoke(outcome);
            return outcome;
        }, cancellationToken);
        var finished = store.BackfillItems(backfill.Id).All(i => i.Status == BackfillItemStatus.Succeeded);
        if (finished) store.FinishBackfill(backfill.Id, clock.GetUtcNow());
        return new BackfillReport(backfill with { FinishedAt = finished ? clock.GetUtcNow() : null }, outcomes, finished);
    }

    private async Task<RunOutcome> RunItemAsync(PartitionRunner partitionRunner, long backfillId, PartitionRun run, bool force, Action<RunOutcome>? progress,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var outcome = await partitionRunner.RunAsync(run, RunTrigger.Backfill, backfillId, force,
                last => !force && last?.Status == RunStatus.Succeeded ? $"already succeeded in run #{last.Id}" : null, cancellationToken);
            if (outcome.Kind == RunOutcomeKind.Refused) return outcome with { Kind = RunOutcomeKind.Succeeded };
            if (outcome is not { Kind: RunOutcomeKind.Failed, Record.NextAttemptAt: { } next }) return outcome;
            progress?.Invoke(outcome);
            var wait = next - clock.GetUtcNow();
            if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, cancellationToken);
        }
    }

    private string? SkipReason(ScheduledJob job, DateOnly partition, RunRecord? last, ReprocessMode reprocess)
    {
        if (IsPublished(job, partition)) return "published; use --reprocess all to recompute";
        return reprocess == ReprocessMode.None && last is { Status: RunStatus.Failed or RunStatus.Abandoned }
            ? $"its last run #{last.Id} failed; use --reprocess failed to run it again"
            : null;
    }

    /// <summary>Adds every unpublished upstream partition the items read, back to the start of the range, transitively.</summary>
    private void AddMissingUpstream(Dictionary<(string, DateOnly), BackfillPlanItem> items, DateOnly from)
    {
        var pending = new Stack<BackfillPlanItem>(items.Values);
        var seen = new HashSet<(string, DateOnly)>(items.Keys);
        while (pending.Count > 0)
        {
            var item = pending.Pop();
            foreach (var (upstream, partition) in dag.InputPartitions(dag.Job(item.Run.Job), item.Run.Partition))
            {
                if (partition < upstream.PartitionOf(from) || !seen.Add((upstream.Name, partition)) || IsPublished(upstream, partition)) continue;
                var added = new BackfillPlanItem(new PartitionRun(upstream.Name, partition, upstream.LogicalDate(partition)), Force: false, Target: false, BackfillItemStatus.Pending);
                items[(upstream.Name, partition)] = added;
                pending.Push(added);
            }
        }
    }

    private bool IsPublished(ScheduledJob job, DateOnly partition) => job.Produces.All(c => runner.Reader.TryResolve(c.Name, partition) is not null);
}
