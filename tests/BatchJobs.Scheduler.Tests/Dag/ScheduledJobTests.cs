using BatchJobs.Scheduler.Tests.Support;

namespace BatchJobs.Scheduler.Tests.Dag;

public class ScheduledJobTests
{
    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Test]
    public void ADailyPartitionIsDueAtTheFirstScheduleOccurrenceOfTheNextDay()
    {
        using var toy = new ToyPipeline(DateTimeOffset.UnixEpoch);
        var load = toy.Dag.Job("load");
        var partition = new DateOnly(2026, 11, 20);

        Assert.That(load.LogicalDate(partition), Is.EqualTo(partition));
        Assert.That(load.PeriodEnd(partition), Is.EqualTo(Utc(11, 21, 0)));
        Assert.That(load.DueAt(partition), Is.EqualTo(Utc(11, 21, 1)));
        Assert.That(load.ExpectedBy(load.Produces[0], partition), Is.EqualTo(Utc(11, 21, 3)), "deadline PT3H from the start of the next day");
    }

    [Test]
    public void AWeeklyPartitionIsTheMondayRunWithItsSundayAndDueAfterTheWeek()
    {
        using var toy = new ToyPipeline(DateTimeOffset.UnixEpoch);
        var report = toy.Dag.Job("report");
        var wednesday = new DateOnly(2026, 11, 18);

        var partition = report.PartitionOf(wednesday);

        Assert.That(partition, Is.EqualTo(new DateOnly(2026, 11, 16)));
        Assert.That(report.LogicalDate(partition), Is.EqualTo(new DateOnly(2026, 11, 22)));
        Assert.That(report.DueAt(partition), Is.EqualTo(Utc(11, 23, 6)), "Monday 06:00 after the week");
        Assert.That(report.ExpectedBy(report.Produces[0], partition), Is.EqualTo(Utc(11, 23, 12)));
    }

    [Test]
    public void DuePartitionsAreThoseWhoseDueTimeHasCome()
    {
        using var toy = new ToyPipeline(DateTimeOffset.UnixEpoch);
        var aggregate = toy.Dag.Job("aggregate");

        var due = aggregate.DuePartitions(new DateOnly(2026, 11, 18), Utc(11, 20, 1, 59)).ToList();

        Assert.That(due, Is.EqualTo(new[] { new DateOnly(2026, 11, 18) }), "11-19 is due only at 11-20 02:00");
        Assert.That(aggregate.DuePartitions(new DateOnly(2026, 11, 18), Utc(11, 20, 2)).Count(), Is.EqualTo(2));
    }
}
