using BatchJobs.Core.Checks;
using BatchJobs.Core.Snapshots;
using BatchJobs.Core.Tables;

namespace BatchJobs.Jobs.Tests.Playlists;

/// <summary>The playlist contracts block hand-made snapshots that break their promises.</summary>
public class PlaylistContractChecksTests
{
    private static readonly DateOnly Monday = new(2026, 11, 16);
    private TestWorld world = null!;

    [SetUp]
    public void SetUp() => world = new TestWorld();

    [TearDown]
    public void TearDown() => world.Dispose();

    private async Task<BlockingCheckFailedException?> PublishAsync(string dataset, int rows, Array[] columns, Dictionary<string, double>? statistics = null)
    {
        var contracts = JobCatalog.LoadContracts();
        var contract = contracts.Get(dataset);
        var layout = new SnapshotLayout(world.Root);
        var publisher = new SnapshotPublisher(layout, new QualityCheckRunner(new SnapshotReader(layout), contracts), TimeProvider.System);
        var staged = publisher.Stage(contract, contract.PartitionOf(Monday), SnapshotLayout.NewRunId(DateTimeOffset.UtcNow));
        await using (var writer = await ParquetTableWriter.CreateAsync(staged.FilePath("part-00000.parquet"), contract.Schema))
            await writer.WriteRowGroupAsync(rows, columns);
        foreach (var (key, value) in statistics ?? []) staged.Statistics[key] = value;
        try
        {
            await publisher.PublishAsync([staged], new RunInfo(contract.Producer.Job, staged.RunId, "test", "fp", new Dictionary<string, string>(), []));
            return null;
        }
        catch (BlockingCheckFailedException e)
        {
            return e;
        }
    }

    private static string[] Repeat(string value, int count) => Enumerable.Repeat(value, count).ToArray();

    private static Array[] DiscoverWeekly(int rows, Func<int, string> artist, string source = "relevant") =>
    [
        Repeat("u1", rows), Enumerable.Range(1, rows).ToArray(), Enumerable.Range(1, rows).Select(i => $"t{i}").ToArray(),
        Enumerable.Range(1, rows).Select(artist).ToArray(), new float[rows], Repeat(source, rows), Repeat("because you play A", rows),
    ];

    [Test]
    public async Task DiscoverWeeklyWithThreeTracksOfOneArtistIsBlocked()
    {
        var failed = await PublishAsync("discover_weekly", 30, DiscoverWeekly(30, i => i <= 3 ? "a1" : $"a{i}"),
            new() { ["rows"] = 30, ["previously_played_rows"] = 0 });

        Assert.That(failed, Is.Not.Null);
        Assert.That(failed!.Failures.Select(f => f.Name), Has.Some.Contains("at most 2 tracks per artist"));
        Assert.That(failed.Failures.Select(f => f.Name), Has.None.Contains("positions run"));
    }

    [Test]
    public async Task DiscoverWeeklyWithAPreviouslyPlayedTrackOrTwoBoostsIsBlocked()
    {
        var failed = await PublishAsync("discover_weekly", 30, DiscoverWeekly(30, i => $"a{(i + 1) / 2}", source: "priority"),
            new() { ["rows"] = 30, ["previously_played_rows"] = 1 });

        Assert.That(failed, Is.Not.Null);
        var names = failed!.Failures.Select(f => f.Name).ToList();
        Assert.That(names, Has.Some.Contains("previously_played_rows"));
        Assert.That(names, Has.Some.Contains("at most one artist-priority track"));
        Assert.That(names, Has.None.Contains("at most 2 tracks per artist"));
    }

    [Test]
    public async Task ADailyMixOfTwentyTracksIsBlocked()
    {
        const int rows = 20;
        var failed = await PublishAsync("daily_mix", rows,
        [
            Repeat("u1", rows), Enumerable.Repeat(1, rows).ToArray(), Repeat("A and B", rows), Enumerable.Range(1, rows).ToArray(),
            Enumerable.Range(1, rows).Select(i => $"t{i}").ToArray(), Repeat("a1", rows), Enumerable.Range(1, rows).Select(i => i % 4 == 0).ToArray(), new float[rows],
        ], new() { ["rows"] = rows, ["new_rows"] = 5 });

        Assert.That(failed, Is.Not.Null);
        Assert.That(failed!.Failures.Select(f => f.Name), Has.Some.Contains("every mix has 25..50 tracks"));
        Assert.That(failed.Failures.Select(f => f.Name), Has.None.Contains("max_ratio"), "a quarter new is within bounds");
    }

    [Test]
    public async Task SimilarTracksListingThemselvesAreBlocked()
    {
        var failed = await PublishAsync("similar_tracks", 2,
            [new[] { "t1", "t1" }, new[] { 1, 2 }, new[] { "t1", "t2" }, new[] { "a1", "a1" }, new[] { 1f, 0.5f }]);

        Assert.That(failed, Is.Not.Null);
        Assert.That(failed!.Failures.Select(f => f.Name), Has.Some.Contains("no track lists itself"));
    }
}
