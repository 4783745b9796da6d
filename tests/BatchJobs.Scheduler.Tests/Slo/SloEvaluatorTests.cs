using System.Text.Json;
using BatchJobs.Scheduler.Slo;
using BatchJobs.Scheduler.Tests.Support;

namespace BatchJobs.Scheduler.Tests.Slo;

public class SloEvaluatorTests
{
    private static readonly DateOnly Day = new(2026, 11, 18);

    private static DateTimeOffset NextDay(int hour, int minute = 0) => new(2026, 11, 19, hour, minute, 0, TimeSpan.Zero);

    [Test]
    public async Task PublishedInTimeIsMetAndLateIsMissedByItsLateness()
    {
        using var toy = new ToyPipeline(NextDay(0));
        toy.ArriveRaw(Day.AddDays(-2), Day);
        await toy.TickAsync(NextDay(1), start: Day);
        await toy.TickAsync(NextDay(5, 15));

        var report = toy.Slo().Report(NextDay(5, 20), TimeSpan.FromDays(1));

        var events = report.Datasets.Single(d => d.Dataset == "raw_events").Partitions.Single();
        var totals = report.Datasets.Single(d => d.Dataset == "daily_totals").Partitions.Single();
        Assert.That(events.State, Is.EqualTo(SloState.Met));
        Assert.That(events.Lateness, Is.EqualTo(TimeSpan.FromHours(-2)), "published at 01:00, expected by 03:00");
        Assert.That(events.DueAt, Is.EqualTo(NextDay(1)));
        Assert.That(totals.State, Is.EqualTo(SloState.Missed));
        Assert.That(totals.Lateness, Is.EqualTo(TimeSpan.FromMinutes(75)), "published at 05:15, expected by 04:00");
        Assert.That(totals.Checks, Does.Match("^[0-9]+/[0-9]+ passed$"));
        Assert.That(report.ExitCode, Is.EqualTo(SloReport.MissedExitCode));
        Assert.That(report.Count(SloState.Met), Is.EqualTo(1));
    }

    [Test]
    public async Task AFailureWithTimeLeftIsAtRiskAndOnlyDuePartitionsAreReported()
    {
        using var toy = new ToyPipeline(NextDay(0));
        toy.ArriveRaw(Day);
        toy.Load.FailsTransiently = _ => true;
        await toy.TickAsync(NextDay(1), start: Day);

        var report = toy.Slo().Report(NextDay(1, 2), TimeSpan.FromDays(1));

        var events = report.Datasets.Single(d => d.Dataset == "raw_events").Partitions.Single();
        Assert.That(events.State, Is.EqualTo(SloState.AtRisk));
        Assert.That(events.Detail, Does.Contain("retry at"));
        Assert.That(report.Datasets.Single(d => d.Dataset == "daily_totals").Partitions, Is.Empty, "not due before 02:00");
        Assert.That(report.Datasets.Single(d => d.Dataset == "raw_events").Freshness.Ok, Is.True, "never published, but due only 2 minutes ago");
        Assert.That(report.ExitCode, Is.EqualTo(0), "at risk alone does not fail the check");
    }

    [Test]
    public async Task FreshnessIsTheAgeOfTheRunLatestNames()
    {
        using var toy = new ToyPipeline(NextDay(0));
        toy.ArriveRaw(Day);
        await toy.TickAsync(NextDay(1), start: Day);

        var fresh = toy.Slo().FreshnessOf(toy.Catalog.Get("raw_events"), NextDay(1).AddDays(2));
        var stale = toy.Slo().FreshnessOf(toy.Catalog.Get("raw_events"), NextDay(1).AddDays(2).AddMinutes(1));
        var never = toy.Slo().FreshnessOf(toy.Catalog.Get("daily_totals"), NextDay(3));
        var neverButJustDue = toy.Slo().FreshnessOf(toy.Catalog.Get("daily_totals"), NextDay(3), dueSince: NextDay(2));
        var neverForLong = toy.Slo().FreshnessOf(toy.Catalog.Get("daily_totals"), NextDay(3).AddDays(2), dueSince: NextDay(2));

        Assert.That(fresh.Ok, Is.True, "exactly the P2D limit");
        Assert.That(fresh.LatestPartition, Is.EqualTo(Day));
        Assert.That(stale.Ok, Is.False);
        Assert.That(stale.Age, Is.EqualTo(TimeSpan.FromDays(2).Add(TimeSpan.FromMinutes(1))));
        Assert.That(never.Ok, Is.False);
        Assert.That(never.LatestPartition, Is.Null);
        Assert.That(neverButJustDue.Ok, Is.True);
        Assert.That(neverForLong.Ok, Is.False);
    }

    [Test]
    public async Task TheJsonReportCarriesStatesLatenessAndFreshness()
    {
        using var toy = new ToyPipeline(NextDay(0));
        toy.ArriveRaw(Day);
        await toy.TickAsync(NextDay(1), start: Day);

        using var json = JsonDocument.Parse(toy.Slo().Report(NextDay(1, 30), TimeSpan.FromDays(1)).ToJson());

        var events = json.RootElement.GetProperty("datasets").EnumerateArray().Single(d => d.GetProperty("dataset").GetString() == "raw_events");
        var partition = events.GetProperty("partitions")[0];
        Assert.That(partition.GetProperty("state").GetString(), Is.EqualTo("met"));
        Assert.That(partition.GetProperty("lateness_seconds").GetDouble(), Is.EqualTo(-7200));
        Assert.That(partition.GetProperty("expected_by").GetString(), Does.StartWith("2026-11-19T03:00:00"));
        Assert.That(partition.GetProperty("run").GetProperty("status").GetString(), Is.EqualTo("succeeded"));
        Assert.That(events.GetProperty("freshness").GetProperty("ok").GetBoolean(), Is.True);
        Assert.That(json.RootElement.GetProperty("summary").GetProperty("met").GetInt32(), Is.EqualTo(1));
        Assert.That(json.RootElement.GetProperty("semantics").GetString(), Does.Contain("expected by"));
    }
}
