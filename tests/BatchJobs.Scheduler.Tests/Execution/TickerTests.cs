using BatchJobs.Core;
using BatchJobs.Scheduler.Execution;
using BatchJobs.Scheduler.History;
using BatchJobs.Scheduler.Slo;
using BatchJobs.Scheduler.Tests.Support;

namespace BatchJobs.Scheduler.Tests.Execution;

public class TickerTests
{
    private static readonly DateOnly Day = new(2026, 11, 18);

    private static DateTimeOffset NextDay(int hour, int minute = 0) => new(2026, 11, 19, hour, minute, 0, TimeSpan.Zero);

    [Test]
    public async Task NothingRunsBeforeItIsDue()
    {
        using var toy = new ToyPipeline(NextDay(0));
        toy.ArriveRaw(Day);

        var report = await toy.TickAsync(NextDay(0, 55), start: Day);

        Assert.That(report.Outcomes, Is.Empty);
        Assert.That(toy.Load.Calls, Is.Zero);
    }

    [Test]
    public async Task AJobWhoseInputIsLateWaitsThenRuns()
    {
        using var toy = new ToyPipeline(NextDay(0));

        var late = await toy.TickAsync(NextDay(1), start: Day);
        var atRisk = toy.Slo().Report(NextDay(1, 1), TimeSpan.FromDays(1)).Datasets.Single(d => d.Dataset == "raw_events").Partitions.Single();
        toy.ArriveRaw(Day);
        var arrived = await toy.TickAsync(NextDay(1, 5));

        var waited = late.Outcomes.Single();
        Assert.That(waited.Kind, Is.EqualTo(RunOutcomeKind.Waiting));
        Assert.That(waited.Record!.ExitCode, Is.EqualTo(ExitCodes.InputsNotReady));
        Assert.That(waited.Record.Status, Is.EqualTo(RunStatus.Waiting));
        Assert.That(late.ExitCode, Is.EqualTo(ExitCodes.Done), "waiting for inputs is not a failure of the tick");
        Assert.That(atRisk.State, Is.EqualTo(SloState.AtRisk));
        Assert.That(atRisk.Detail, Does.Contain("waiting for inputs"));

        var ran = arrived.Outcomes.Single();
        Assert.That(ran.Kind, Is.EqualTo(RunOutcomeKind.Succeeded));
        Assert.That(ran.Record!.Id, Is.EqualTo(waited.Record.Id), "the waiting run is resumed, not duplicated");
        Assert.That(ran.Record.Polls, Is.EqualTo(2));
        Assert.That(toy.Load.Calls, Is.EqualTo(1), "the job body only ran once its input was there");
        Assert.That(toy.Runner.Reader.TryResolve("raw_events", Day), Is.Not.Null);
        Assert.That(toy.RunsOf("aggregate", Day), Is.Empty, "aggregate is due only at 02:00");
    }

    [Test]
    public async Task AFailingJobIsRetriedWithExponentialBackoffThenFailsForGood()
    {
        using var toy = new ToyPipeline(NextDay(0));
        toy.ArriveRaw(Day.AddDays(-2), Day);
        toy.Aggregate.FailsTransiently = _ => true;
        await toy.TickAsync(NextDay(1), start: Day);

        var first = await toy.TickAsync(NextDay(2));
        var tooEarly = await toy.TickAsync(NextDay(2, 4));
        var second = await toy.TickAsync(NextDay(2, 5));
        var stillBackingOff = await toy.TickAsync(NextDay(2, 14));
        var third = await toy.TickAsync(NextDay(2, 15));
        var later = await toy.TickAsync(NextDay(3));

        Assert.That(first.Outcomes.Single().Record!.NextAttemptAt, Is.EqualTo(NextDay(2, 5)), "5 minutes after attempt 1");
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.TransientFailure));
        Assert.That(tooEarly.Outcomes, Is.Empty);
        Assert.That(tooEarly.Deferred.Single().Reason, Does.Contain("backing off"));
        Assert.That(second.Outcomes.Single().Record!.NextAttemptAt, Is.EqualTo(NextDay(2, 15)), "10 minutes after attempt 2");
        Assert.That(stillBackingOff.Outcomes, Is.Empty);
        Assert.That(third.Outcomes.Single().Record!.NextAttemptAt, Is.Null, "3 attempts used up");
        Assert.That(later.Outcomes, Is.Empty);
        Assert.That(toy.Aggregate.Calls, Is.EqualTo(3));
        var runs = toy.RunsOf("aggregate", Day);
        Assert.That(runs.Select(r => r.Attempt), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(runs.Select(r => r.Status), Has.All.EqualTo(RunStatus.Failed));
        Assert.That(runs.Select(r => r.ExitCode), Has.All.EqualTo(ExitCodes.TransientFailure));
        Assert.That(runs[^1].FailedForGood);
        Assert.That(runs[0].Error, Does.Contain("transient failure injected"));
    }

    [Test]
    public async Task APermanentFailureIsNeverRetried()
    {
        using var toy = new ToyPipeline(NextDay(0));
        toy.ArriveRaw(Day);
        toy.Load.FailsPermanently = _ => true;

        var failed = await toy.TickAsync(NextDay(1), start: Day);
        await toy.TickAsync(NextDay(1, 30));
        await toy.TickAsync(NextDay(5));

        Assert.That(failed.ExitCode, Is.EqualTo(ExitCodes.PermanentFailure));
        Assert.That(failed.Outcomes.Single().Record!.NextAttemptAt, Is.Null);
        Assert.That(toy.Load.Calls, Is.EqualTo(1));
        Assert.That(toy.RunsOf("load", Day).Single().ExitCode, Is.EqualTo(ExitCodes.PermanentFailure));
    }

    [Test]
    public async Task ADeadlinePassingWhileARunIsGoingIsReportedMissedBeforeTheRunEnds()
    {
        using var toy = new ToyPipeline(NextDay(0));
        toy.ArriveRaw(Day.AddDays(-2), Day);
        await toy.TickAsync(NextDay(1), start: Day);
        toy.Aggregate.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        toy.Clock.Set(NextDay(2));
        var tick = Task.Run(() => toy.Ticker().TickAsync(null, null, CancellationToken.None));
        await toy.Aggregate.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        toy.Clock.Set(NextDay(3, 30));
        var before = toy.Slo().Report(toy.Clock.GetUtcNow(), TimeSpan.FromDays(1));
        toy.Clock.Set(NextDay(4, 30));
        var during = toy.Slo().Report(toy.Clock.GetUtcNow(), TimeSpan.FromDays(1));
        toy.Aggregate.Gate.SetResult();
        await tick;
        var after = toy.Slo().Report(toy.Clock.GetUtcNow(), TimeSpan.FromDays(1));

        PartitionSlo Totals(SloReport report) => report.Datasets.Single(d => d.Dataset == "daily_totals").Partitions.Single();
        Assert.That(Totals(before).State, Is.EqualTo(SloState.OnTrack), "30 minutes before the 04:00 deadline (02:00 due, PT4H after midnight)");
        Assert.That(Totals(during).State, Is.EqualTo(SloState.Missed));
        Assert.That(Totals(during).LastRun!.Status, Is.EqualTo(RunStatus.Running), "reported while the run is still going");
        Assert.That(Totals(during).Detail, Does.Contain("running"));
        Assert.That(Totals(during).Lateness, Is.EqualTo(TimeSpan.FromMinutes(30)));
        Assert.That(during.ExitCode, Is.EqualTo(SloReport.MissedExitCode));
        Assert.That(Totals(after).State, Is.EqualTo(SloState.Missed));
        Assert.That(Totals(after).PublishedAt, Is.EqualTo(NextDay(4, 30)));
        Assert.That(Totals(after).Detail, Does.Contain("late"));
        Assert.That(after.Datasets.Single(d => d.Dataset == "raw_events").Partitions.Single().State, Is.EqualTo(SloState.Met));
    }

    [Test]
    public async Task ACrashedRunsLeaseExpiresAndThePartitionIsPickedUpAgain()
    {
        using var toy = new ToyPipeline(NextDay(0));
        toy.ArriveRaw(Day);
        toy.Store.EnsureStartDate(Day, replace: true);
        // What a tick that died mid-run leaves behind: a running row and its lease, never finished or renewed.
        var crashed = toy.Store.TryStart(new StartRequest("load", Day, Day, RunTrigger.Scheduled, null, NextDay(1), ToyPipeline.Options.LeaseDuration, _ => null), _ => null).Run!;

        var whileHeld = await toy.TickAsync(NextDay(1, 5));
        var afterExpiry = await toy.TickAsync(NextDay(1, 11));

        Assert.That(whileHeld.Outcomes, Is.Empty);
        Assert.That(whileHeld.Deferred.Single().Reason, Does.Contain("running"));
        Assert.That(afterExpiry.Abandoned.Single().Id, Is.EqualTo(crashed.Id));
        Assert.That(afterExpiry.Abandoned.Single().Status, Is.EqualTo(RunStatus.Abandoned));
        var rerun = afterExpiry.Outcomes.Single(o => o.Run.Job == "load");
        Assert.That(rerun.Kind, Is.EqualTo(RunOutcomeKind.Succeeded));
        Assert.That(rerun.Record!.Attempt, Is.EqualTo(2));
        Assert.That(toy.Load.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task ATickRunsDownstreamPartitionsAfterTheirInputsInTheSameTick()
    {
        using var toy = new ToyPipeline(NextDay(0));
        toy.ArriveRaw(Day.AddDays(-1), Day);

        var report = await toy.TickAsync(NextDay(2), start: Day.AddDays(-1), options: ToyPipeline.Options with { MaxParallel = 2 });

        Assert.That(report.Outcomes.Select(o => o.Kind), Has.All.EqualTo(RunOutcomeKind.Succeeded));
        Assert.That(report.Outcomes.Select(o => o.Run.ToString()), Is.EquivalentTo(new[]
        {
            "load dt=2026-11-17", "aggregate dt=2026-11-17", "load dt=2026-11-18", "aggregate dt=2026-11-18",
        }));
        foreach (var date in new[] { Day.AddDays(-1), Day })
        {
            var load = toy.RunsOf("load", date).Single();
            var aggregate = toy.RunsOf("aggregate", date).Single();
            Assert.That(aggregate.Id, Is.GreaterThan(load.Id));
            Assert.That(aggregate.Inputs, Does.Contain($"raw_events/dt={date:yyyy-MM-dd}/run={load.SnapshotRunId}"), "records the input runs it consumed");
        }
    }
}
