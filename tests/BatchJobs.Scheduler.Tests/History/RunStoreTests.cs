using BatchJobs.Scheduler.History;
using BatchJobs.Scheduler.Tests.Support;
using Microsoft.Data.Sqlite;

namespace BatchJobs.Scheduler.Tests.History;

public class RunStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 1, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Partition = new(2026, 11, 20);

    [Test]
    public void CreatesTheSchemaOnceAndRecordsItsVersion()
    {
        using var folder = new TempFolder();

        RunStore.Open(folder.Path);
        var reopened = RunStore.Open(folder.Path);

        Assert.That(reopened.AppliedVersions(), Is.EqualTo(Enumerable.Range(1, RunStore.LatestSchemaVersion)));
        Assert.That(File.Exists(Path.Combine(folder.Path, RunStore.FileName)));
    }

    [Test]
    public void RefusesADatabaseWrittenByANewerProgram()
    {
        using var folder = new TempFolder();
        RunStore.Open(folder.Path);
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(folder.Path, RunStore.FileName)}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "insert into schema_version (version, description, applied_at) values (99, 'from the future', '2030-01-01T00:00:00.000Z')";
            command.ExecuteNonQuery();
        }

        var error = Assert.Throws<InvalidOperationException>(() => RunStore.Open(folder.Path))!;

        Assert.That(error.Message, Does.Contain("99").And.Contain("newer"));
    }

    [Test]
    public void ALeasedPartitionCannotBeStartedTwice()
    {
        using var folder = new TempFolder();
        var store = RunStore.Open(folder.Path);

        var first = store.TryStart(Request(Now), _ => null);
        var second = store.TryStart(Request(Now.AddMinutes(1)), _ => null);

        Assert.That(first.Run, Is.Not.Null);
        Assert.That(first.Run!.Status, Is.EqualTo(RunStatus.Running));
        Assert.That(second.Run, Is.Null);
        Assert.That(second.Leased, Is.True);
        Assert.That(second.RefusedBecause, Does.Contain($"run #{first.Run.Id}"));
    }

    [Test]
    public void TheRuleDecidesUnderTheLockFromTheLatestRun()
    {
        using var folder = new TempFolder();
        var store = RunStore.Open(folder.Path);
        var first = store.TryStart(Request(Now), _ => null).Run!;
        store.Finish(first.Id, Completion(RunStatus.Succeeded, Now.AddMinutes(1)));
        RunRecord? seen = null;

        var again = store.TryStart(Request(Now.AddMinutes(2), last =>
        {
            seen = last;
            return last?.Status == RunStatus.Succeeded ? "done already" : null;
        }), _ => null);

        Assert.That(again.Run, Is.Null);
        Assert.That(again.Leased, Is.False);
        Assert.That(again.RefusedBecause, Is.EqualTo("done already"));
        Assert.That(seen!.Id, Is.EqualTo(first.Id));
    }

    [Test]
    public void AnExpiredLeaseIsTakenOverAndItsRunRecordedAsAbandoned()
    {
        using var folder = new TempFolder();
        var store = RunStore.Open(folder.Path);
        var crashed = store.TryStart(Request(Now), _ => null).Run!;

        var taken = store.TryStart(Request(Now.AddMinutes(11)), run => Now.AddMinutes(11)).Run;

        Assert.That(taken, Is.Not.Null);
        Assert.That(taken!.Attempt, Is.EqualTo(2), "an abandoned run counts as a failed attempt");
        var abandoned = store.Runs().Single(r => r.Id == crashed.Id);
        Assert.That(abandoned.Status, Is.EqualTo(RunStatus.Abandoned));
        Assert.That(abandoned.EndedAt, Is.EqualTo(Now.AddMinutes(10)), "ended when its lease expired");
        Assert.That(abandoned.Error, Does.Contain("lease").And.Contain(Environment.MachineName));
    }

    [Test]
    public void AWaitingRunIsResumedInTheSameRow()
    {
        using var folder = new TempFolder();
        var store = RunStore.Open(folder.Path);
        var first = store.TryStart(Request(Now), _ => null).Run!;
        store.Finish(first.Id, Completion(RunStatus.Waiting, Now.AddSeconds(1)));

        var second = store.TryStart(Request(Now.AddMinutes(5)), _ => null).Run!;

        Assert.That(second.Id, Is.EqualTo(first.Id));
        Assert.That(second.Polls, Is.EqualTo(2));
        Assert.That(second.Attempt, Is.EqualTo(1), "waiting uses up no attempt");
        Assert.That(second.StartedAt, Is.EqualTo(Now.AddMinutes(5)));
        Assert.That(second.CreatedAt, Is.EqualTo(Now));
    }

    [Test]
    public void KeepsTheFirstDeliveryOfAPartition()
    {
        using var folder = new TempFolder();
        var store = RunStore.Open(folder.Path);
        var first = store.TryStart(Request(Now), _ => null).Run!;
        store.Finish(first.Id, Completion(RunStatus.Succeeded, Now.AddMinutes(1), new Delivery("raw_events", Partition, "r1", Now.AddMinutes(1))));
        var second = store.TryStart(Request(Now.AddHours(5)), _ => null).Run!;
        store.Finish(second.Id, Completion(RunStatus.Succeeded, Now.AddHours(5), new Delivery("raw_events", Partition, "r2", Now.AddHours(5))));

        Assert.That(store.FirstDeliveries(Partition)[("raw_events", Partition)], Is.EqualTo(Now.AddMinutes(1)));
    }

    private static StartRequest Request(DateTimeOffset now, Func<RunRecord?, string?>? refuse = null) =>
        new("load", Partition, Partition, RunTrigger.Scheduled, null, now, TimeSpan.FromMinutes(10), refuse ?? (_ => null));

    private static RunCompletion Completion(RunStatus status, DateTimeOffset at, params Delivery[] deliveries) =>
        new(status, at, status == RunStatus.Succeeded ? 0 : 20, null, null, null, [], [], deliveries);
}
