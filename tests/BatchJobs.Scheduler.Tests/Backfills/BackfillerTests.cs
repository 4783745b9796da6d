using BatchJobs.Core;
using BatchJobs.Scheduler.Backfills;
using BatchJobs.Scheduler.Execution;
using BatchJobs.Scheduler.History;
using BatchJobs.Scheduler.Tests.Support;

namespace BatchJobs.Scheduler.Tests.Backfills;

public class BackfillerTests
{
    private static readonly DateOnly Monday = new(2026, 11, 2);
    private static readonly DateTimeOffset Later = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task AFourteenDayBackfillWithOneFailureResumesAndFinishes()
    {
        using var toy = new ToyPipeline(Later);
        var last = Monday.AddDays(13);
        toy.ArriveRaw(Monday, last);
        var broken = Monday.AddDays(6);
        toy.Aggregate.FailsPermanently = date => date == broken;

        var plan = toy.Backfiller().Plan(["weekly_report", "aggregate"], Monday, last, ReprocessMode.None, reverse: false);
        var first = await toy.Backfiller().RunAsync(plan, null, CancellationToken.None);

        Assert.That(plan.Items.Count(i => i.Target), Is.EqualTo(14 + 2));
        Assert.That(plan.Items.Count(i => !i.Target), Is.EqualTo(14), "the load partitions upstream");
        Assert.That(first.Finished, Is.False);
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.PermanentFailure));
        Assert.That(first.Outcomes.Single(o => o.Kind == RunOutcomeKind.Failed).Run, Is.EqualTo(new PartitionRun("aggregate", broken, broken)));
        Assert.That(first.Outcomes.Where(o => o.Kind == RunOutcomeKind.Blocked).Select(o => o.Run.ToString()), Is.EqualTo(new[] { "report dt=2026-11-02" }),
            "the week that reads the failed day waits; the other week does not");
        Assert.That(toy.Runner.Reader.TryResolve("weekly_report", Monday.AddDays(7)), Is.Not.Null);

        toy.Aggregate.FailsPermanently = _ => false;
        toy.Clock.Set(Later.AddHours(1));
        var callsBefore = (toy.Load.Calls, toy.Aggregate.Calls, toy.Report.Calls);
        var resumedPlan = toy.Backfiller().Plan(["aggregate", "weekly_report"], Monday, last, ReprocessMode.None, reverse: false);
        var second = await toy.Backfiller().RunAsync(resumedPlan, null, CancellationToken.None);

        Assert.That(resumedPlan.Resumed?.Id, Is.EqualTo(first.Backfill.Id), "the same targets, range and mode resume the recorded backfill");
        Assert.That(second.Finished, Is.True);
        Assert.That(second.ExitCode, Is.EqualTo(ExitCodes.Done));
        Assert.That((toy.Load.Calls, toy.Aggregate.Calls, toy.Report.Calls), Is.EqualTo((callsBefore.Item1, callsBefore.Item2 + 1, callsBefore.Item3 + 1)),
            "only the failed day and the week it blocked ran again");
        AssertEachPartitionSucceededOnce(toy, Monday, last, "load", "aggregate", "report");
        Assert.That(toy.Store.Runs(backfillId: first.Backfill.Id, limit: 1000).Select(r => r.Trigger), Has.All.EqualTo(RunTrigger.Backfill));
    }

    [Test]
    public async Task AnInterruptedBackfillResumesWithoutRunningAnythingTwice()
    {
        using var toy = new ToyPipeline(Later);
        var last = Monday.AddDays(6);
        toy.ArriveRaw(Monday, last);
        using var interrupt = new CancellationTokenSource();
        toy.Aggregate.OnRun = date =>
        {
            if (date == Monday.AddDays(3)) interrupt.Cancel();
        };
        var backfiller = toy.Backfiller();

        await Assert.CatchAsync<OperationCanceledException>(() =>
            backfiller.RunAsync(backfiller.Plan(["aggregate"], Monday, last, ReprocessMode.None, false), null, interrupt.Token));
        toy.Aggregate.OnRun = null;
        var resumed = backfiller.Plan(["aggregate"], Monday, last, ReprocessMode.None, false);
        var report = await backfiller.RunAsync(resumed, null, CancellationToken.None);

        Assert.That(resumed.Resumed, Is.Not.Null);
        Assert.That(resumed.Remaining.Count, Is.LessThan(resumed.Items.Count), "work done before the interruption is kept");
        Assert.That(report.Finished, Is.True);
        Assert.That(toy.RunsOf("aggregate", Monday.AddDays(3)).Select(r => r.Status), Is.EqualTo(new[] { RunStatus.Cancelled, RunStatus.Succeeded }));
        AssertEachPartitionSucceededOnce(toy, Monday, last, "load", "aggregate");
    }

    [Test]
    public async Task ReprocessModesSelectWhatTheySay()
    {
        using var toy = new ToyPipeline(Later);
        var last = Monday.AddDays(4);
        toy.ArriveRaw(Monday, last);
        // Days 1 and 3 published, day 2 failed for good, days 4 and 5 never run.
        toy.Aggregate.FailsPermanently = date => date == Monday.AddDays(1);
        var setUp = toy.Backfiller();
        await setUp.RunAsync(setUp.Plan(["aggregate"], Monday, Monday.AddDays(2), ReprocessMode.None, false), null, CancellationToken.None);
        toy.Aggregate.FailsPermanently = _ => false;
        var backfiller = toy.Backfiller();

        IEnumerable<int> Days(BackfillPlan plan) => plan.Items.Where(i => i.Target).Select(i => i.Run.Partition.DayNumber - Monday.DayNumber + 1);
        var none = backfiller.Plan(["aggregate"], Monday, last, ReprocessMode.None, false);
        var failed = backfiller.Plan(["aggregate"], Monday, last, ReprocessMode.Failed, false);
        var all = backfiller.Plan(["aggregate"], Monday, last, ReprocessMode.All, false);

        Assert.That(Days(none), Is.EquivalentTo(new[] { 4, 5 }), "none: only the gaps");
        Assert.That(none.Skipped.Single(s => s.Run.Partition == Monday.AddDays(1)).Reason, Does.Contain("--reprocess failed"));
        Assert.That(Days(failed), Is.EquivalentTo(new[] { 2, 4, 5 }), "failed: the gaps and the failed day");
        Assert.That(Days(all), Is.EquivalentTo(new[] { 1, 2, 3, 4, 5 }));
        Assert.That(all.Items.Where(i => i.Target).Select(i => i.Force), Has.All.True);
        Assert.That(none.Items.Where(i => !i.Target).Select(i => i.Run.Partition), Is.EquivalentTo(new[] { Monday.AddDays(3), Monday.AddDays(4) }),
            "upstream partitions that are not published yet");

        var before = toy.Runner.Reader.TryResolve("daily_totals", Monday)!.RunId;
        toy.Clock.Set(Later.AddHours(1));
        var calls = toy.Aggregate.Calls;
        var recomputed = await backfiller.RunAsync(all, null, CancellationToken.None);

        Assert.That(recomputed.Finished, Is.True);
        Assert.That(toy.Aggregate.Calls - calls, Is.EqualTo(5), "all: every day recomputed, published or not");
        Assert.That(toy.Runner.Reader.TryResolve("daily_totals", Monday)!.RunId, Is.Not.EqualTo(before), "a new snapshot of a day already published");
    }

    [Test]
    public void PlanningWritesNothingAndOrdersUpstreamFirstOrNewestFirst()
    {
        using var toy = new ToyPipeline(Later);
        var last = Monday.AddDays(2);

        var forward = toy.Backfiller().Plan(["aggregate"], Monday, last, ReprocessMode.None, reverse: false);
        var reverse = toy.Backfiller().Plan(["aggregate"], Monday, last, ReprocessMode.None, reverse: true);

        Assert.That(forward.Items.Select(i => i.Run.ToString()), Is.EqualTo(new[]
        {
            "load dt=2026-11-02", "aggregate dt=2026-11-02", "load dt=2026-11-03", "aggregate dt=2026-11-03", "load dt=2026-11-04", "aggregate dt=2026-11-04",
        }));
        Assert.That(reverse.Items.Select(i => i.Run.Partition).First(), Is.EqualTo(last));
        Assert.That(toy.Store.FindOpenBackfill(["aggregate"], Monday, last, ReprocessMode.None), Is.Null);
        Assert.That(toy.Store.Runs(), Is.Empty);
    }

    [Test]
    public async Task AReverseBackfillStillRunsUpstreamPartitionsFirst()
    {
        using var toy = new ToyPipeline(Later);
        var last = Monday.AddDays(3);
        toy.ArriveRaw(Monday, last);

        var report = await toy.Backfiller().RunAsync(toy.Backfiller().Plan(["aggregate"], Monday, last, ReprocessMode.None, reverse: true), null, CancellationToken.None);

        Assert.That(report.Finished, Is.True);
        var aggregates = report.Outcomes.Where(o => o.Run.Job == "aggregate").Select(o => o.Run.Partition).ToList();
        Assert.That(aggregates, Is.EqualTo(aggregates.OrderDescending()), "newest first");
        foreach (var date in Enumerable.Range(0, 4).Select(Monday.AddDays))
        {
            // Each day's aggregate read its full 3-day window (clipped at the start of the range).
            var value = toy.RunsOf("aggregate", date).Single().Inputs.Count;
            Assert.That(value, Is.EqualTo(Math.Min(3, date.DayNumber - Monday.DayNumber + 1)), $"{date}");
        }
    }

    private static void AssertEachPartitionSucceededOnce(ToyPipeline toy, DateOnly from, DateOnly to, params string[] jobs)
    {
        foreach (var job in jobs.Select(toy.Dag.Job))
            foreach (var partition in job.PartitionsBetween(from, to))
            {
                var succeeded = toy.RunsOf(job.Name, partition).Count(r => r.Status == RunStatus.Succeeded);
                Assert.That(succeeded, Is.EqualTo(1), $"{job.Name} dt={partition:yyyy-MM-dd}");
            }
    }
}
