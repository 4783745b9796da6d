using BatchJobs.Core.Checks;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Snapshots;
using BatchJobs.Core.Tests.Support;

namespace BatchJobs.Core.Tests.Snapshots;

public class SnapshotRetentionTests
{
    private static readonly DateOnly Day = new(2026, 11, 10);
    private static readonly DateTimeOffset Now = new(2026, 11, 11, 6, 0, 0, TimeSpan.Zero);
    private static readonly DatasetContract Users = TestContracts.Parse(TestContracts.Yaml("users", ["user_id string"], retention: "P2D"));

    private TempRoot temp = null!;
    private SnapshotLayout layout = null!;
    private SnapshotReader reader = null!;
    private int runs;

    [SetUp]
    public void SetUp()
    {
        temp = new TempRoot();
        layout = new SnapshotLayout(temp.Root);
        reader = new SnapshotReader(layout);
        runs = 0;
    }

    [TearDown]
    public void TearDown() => temp.Dispose();

    /// <summary>Publishes a run of one row; run ids increase with every call.</summary>
    private async Task<string> PublishAsync(DateOnly partition)
    {
        var runId = $"20261110T00{++runs:00}00000Z-000000";
        var publisher = new SnapshotPublisher(layout, new QualityCheckRunner(reader, new ContractCatalog([Users])), new SteppingClock());
        var staged = publisher.Stage(Users, partition, runId);
        await TestTables.WriteAsync(staged.FilePath("part-00000.parquet"), Users.Schema, new[] { "u1" });
        await publisher.PublishAsync([staged], new RunInfo("test-job", runId, "test", "fingerprint", new Dictionary<string, string>(), []));
        return layout.RunDirectory("users", partition, runId);
    }

    [Test]
    public void NothingPublishedRemovesNothing() =>
        Assert.That(SnapshotRetention.Apply(layout, reader, Users, Now), Is.Empty);

    [Test]
    public async Task PartitionsOlderThanTheRetentionAreRemoved()
    {
        var old5 = await PublishAsync(Day.AddDays(-5));
        var old3 = await PublishAsync(Day.AddDays(-3));
        foreach (var back in new[] { 2, 1, 0 }) await PublishAsync(Day.AddDays(-back));

        var removed = SnapshotRetention.Apply(layout, reader, Users, Now);

        Assert.That(removed, Is.EquivalentTo(new[] { old5, old3 }));
        Assert.That(reader.PublishedPartitions("users"), Is.EqualTo(new[] { Day.AddDays(-2), Day.AddDays(-1), Day }), "the retention counts back from the newest partition, inclusive");
        Assert.That(Directory.Exists(layout.PartitionDirectory("users", Day.AddDays(-5))), Is.False, "an emptied partition folder goes too");
        await StoreAssert.ConsistentAsync(layout, "users");
    }

    [Test]
    public async Task RunsSupersededByANewerPublishedRunAreRemoved()
    {
        var first = await PublishAsync(Day.AddDays(-1));
        var second = await PublishAsync(Day.AddDays(-1));
        var third = await PublishAsync(Day.AddDays(-1));
        var latest = await PublishAsync(Day);

        var removed = SnapshotRetention.Apply(layout, reader, Users, Now);

        Assert.That(removed, Is.EquivalentTo(new[] { first, second }));
        Assert.That(Directory.Exists(third), Is.True);
        Assert.That(Directory.Exists(latest), Is.True);
        Assert.That(SnapshotRetention.Apply(layout, reader, Users, Now), Is.Empty, "applying again finds nothing more");
    }

    /// <summary>
    /// After a crash between the rename and the <c>_LATEST</c> replace, a newer run of the same partition is in place
    /// while <c>_LATEST</c> still names the older one: serving reads that one, so it stays.
    /// </summary>
    [Test]
    public async Task TheRunLatestNamesIsNeverRemovedEvenWhenSuperseded()
    {
        var named = await PublishAsync(Day);
        var newer = await PublishAsync(Day);
        await SnapshotPublisher.WriteAtomicallyAsync(layout.LatestPointer("users"), Path.GetRelativePath(layout.DatasetDirectory("users"), named) + "\n", CancellationToken.None);

        var removed = SnapshotRetention.Apply(layout, reader, Users, Now);

        Assert.That(removed, Is.Empty);
        Assert.That(reader.TryResolveLatest("users")!.Directory, Is.EqualTo(named));
        Assert.That(Directory.Exists(newer), Is.True);
    }

    [Test]
    public async Task ABackfillOlderThanTheRetentionDoesNotSurviveAndLatestStays()
    {
        var latest = await PublishAsync(Day);
        var backfill = await PublishAsync(Day.AddDays(-30));

        var removed = SnapshotRetention.Apply(layout, reader, Users, Now);

        Assert.That(removed, Is.EqualTo(new[] { backfill }));
        Assert.That(reader.TryResolveLatest("users")!.Directory, Is.EqualTo(latest));
    }

    [Test]
    public async Task AStagingFolderAbandonedForADayIsRemovedAndOneInProgressStays()
    {
        await PublishAsync(Day);
        var publisher = new SnapshotPublisher(layout, new QualityCheckRunner(reader, new ContractCatalog([Users])), new SteppingClock());
        var abandoned = publisher.Stage(Users, Day, "20261110T050000000Z-aaaaaa").Directory;
        var inProgress = publisher.Stage(Users, Day, "20261111T055500000Z-bbbbbb").Directory;
        var foreign = Path.Combine(layout.DatasetDirectory("users"), "_staging", "not-a-run");
        Directory.CreateDirectory(foreign);

        var removed = SnapshotRetention.Apply(layout, reader, Users, Now);

        Assert.That(removed, Is.EqualTo(new[] { Path.GetFullPath(abandoned) }));
        Assert.That(Directory.Exists(inProgress), Is.True, "a run staged five minutes ago may still be writing");
        Assert.That(Directory.Exists(foreign), Is.True, "a folder not named like a run is not ours to remove");
    }

    [Test]
    public async Task FailedRunsKeptAsideGoWhenTheirPartitionExpires()
    {
        foreach (var back in new[] { 5, 1 })
        {
            var failedRun = layout.FailedDirectory("users", Day.AddDays(-back), $"20261110T0{back}0000000Z-cccccc");
            Directory.CreateDirectory(failedRun);
            await File.WriteAllTextAsync(Path.Combine(failedRun, "part-00000.parquet"), "kept for debugging");
        }
        await PublishAsync(Day);

        var removed = SnapshotRetention.Apply(layout, reader, Users, Now);

        Assert.That(removed, Is.EqualTo(new[] { Path.GetFullPath(layout.FailedDirectory("users", Day.AddDays(-5), "20261110T050000000Z-cccccc")) }));
        Assert.That(Directory.Exists(layout.FailedDirectory("users", Day.AddDays(-1), "20261110T010000000Z-cccccc")), Is.True, "inside the retention it stays for debugging");
    }
}
