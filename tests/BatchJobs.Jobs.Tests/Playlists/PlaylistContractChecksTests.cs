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

    /// <summary>Publishes hand-made rows as a run with the contract's parameters (and <paramref name="overrides"/>);
    /// returns the blocking failure, or null when it published.</summary>
    private async Task<BlockingCheckFailedException?> PublishAsync(string dataset, int rows, Array[] columns, Dictionary<string, double>? statistics = null,
        Dictionary<string, string>? overrides = null)
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
            var parameters = new Dictionary<string, string>(contract.Parameters);
            foreach (var (key, value) in overrides ?? []) parameters[key] = value;
            await publisher.PublishAsync([staged], new RunInfo(contract.Producer.Job, staged.RunId, "test", "fp", parameters, []));
            return null;
        }
        catch (BlockingCheckFailedException e)
        {
            return e;
        }
    }

    /// <summary>The failed checks on the rows themselves: nothing is published here for the relationship and covers
    /// checks to look up, so they fail whatever the rows.</summary>
    private static List<string> FailuresOnTheRows(BlockingCheckFailedException? failed) =>
        failed?.Failures.Select(f => f.Name).Where(n => !n.StartsWith("relationship(", StringComparison.Ordinal) && !n.StartsWith("covers(", StringComparison.Ordinal)).ToList() ?? [];

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
        Assert.That(failed!.Failures.Select(f => f.Name), Has.Some.Contains("at most max_per_artist tracks per artist"));
        Assert.That(failed.Failures.Select(f => f.Name), Has.None.Contains("positions run"));
    }

    [Test]
    public async Task DiscoverWeeklyWithThreeTracksOfOneArtistPublishesUnderMaxPerArtistThree()
    {
        var failed = await PublishAsync("discover_weekly", 30, DiscoverWeekly(30, i => i <= 3 ? "a1" : $"a{i}"),
            new() { ["rows"] = 30, ["previously_played_rows"] = 0 }, new() { ["max_per_artist"] = "3" });

        Assert.That(FailuresOnTheRows(failed), Is.Empty);
    }

    [Test]
    public async Task DiscoverWeeklyWithFourTracksOfOneArtistIsBlockedUnderMaxPerArtistThree()
    {
        var failed = await PublishAsync("discover_weekly", 30, DiscoverWeekly(30, i => i <= 4 ? "a1" : $"a{i}"),
            new() { ["rows"] = 30, ["previously_played_rows"] = 0 }, new() { ["max_per_artist"] = "3" });

        Assert.That(FailuresOnTheRows(failed), Is.EqualTo(new[] { "sql(at most max_per_artist tracks per artist in a playlist)" }));
    }

    [Test]
    public async Task DiscoverWeeklyLongerThanItsLengthIsBlocked()
    {
        var failed = await PublishAsync("discover_weekly", 30, DiscoverWeekly(30, i => $"a{i}"),
            new() { ["rows"] = 30, ["previously_played_rows"] = 0 }, new() { ["length"] = "20" });

        Assert.That(FailuresOnTheRows(failed), Is.EqualTo(new[] { "sql(positions run 1..n without gaps, n at most length)" }));
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
        Assert.That(failed!.Failures.Select(f => f.Name), Has.Some.Contains("every mix has min_length..max_length tracks"));
        Assert.That(failed.Failures.Select(f => f.Name), Has.None.Contains("max_ratio"), "a quarter new is within bounds");
    }

    /// <summary>Daily Mix rows of user u1: one mix per entry, its tracks numbered on from t1, the first
    /// <c>Favourites</c> of them not new.</summary>
    private static (int Rows, Array[] Columns) DailyMix(params (int Length, int Favourites)[] mixes)
    {
        var rows = mixes.SelectMany((m, i) => Enumerable.Range(1, m.Length).Select(p => (Mix: i + 1, Position: p, IsNew: p > m.Favourites))).ToList();
        return (rows.Count,
        [
            Repeat("u1", rows.Count), rows.Select(r => r.Mix).ToArray(), rows.Select(r => $"Mix {r.Mix}").ToArray(), rows.Select(r => r.Position).ToArray(),
            rows.Select((_, i) => $"t{i + 1}").ToArray(), Repeat("a1", rows.Count), rows.Select(r => r.IsNew).ToArray(), new float[rows.Count],
        ]);
    }

    private async Task<List<string>> DailyMixFailuresAsync(params (int Length, int Favourites)[] mixes)
    {
        var (rows, columns) = DailyMix(mixes);
        return FailuresOnTheRows(await PublishAsync("daily_mix", rows, columns, new() { ["rows"] = rows, ["new_rows"] = 0 }));
    }

    [Test]
    public async Task TheOnlyMixOfAThinHistoryMayBeMostlyNew() =>
        Assert.That(await DailyMixFailuresAsync((25, 3)), Is.Empty);

    [Test]
    public async Task AMixMostlyNewDespiteTenFavouritesIsBlocked() =>
        Assert.That(await DailyMixFailuresAsync((26, 10)), Is.EqualTo(new[] { "sql(no mix is more than max_new_share new tracks, except the only mix of a thin history)" }));

    [Test]
    public async Task AMostlyNewMixBesideAnotherMixIsBlocked() =>
        Assert.That(await DailyMixFailuresAsync((30, 25), (25, 3)), Is.EqualTo(new[] { "sql(no mix is more than max_new_share new tracks, except the only mix of a thin history)" }));

    [Test]
    public async Task MoreMixesThanMaxMixesAreBlocked()
    {
        var sevenMixes = Enumerable.Repeat((25, 20), 7).ToArray();

        Assert.That(await DailyMixFailuresAsync(sevenMixes), Is.EqualTo(new[] { "sql(mix numbers run 1..n without gaps, n at most max_mixes, and each mix has one name)" }));
    }

    [Test]
    public async Task EditorialPlaylistsPastTheirTemplatesArtistCapAreBlocked()
    {
        var failed = await PublishAsync("editorial_playlists", 2,
        [
            Repeat("one_each", 2), Repeat("One Each", 2), Repeat("u1", 2), new[] { 1, 2 }, new[] { "t1", "t2" }, Repeat("a1", 2), new float[2],
        ], new() { ["rows"] = 2, ["over_artist_cap_rows"] = 1, ["templates"] = 1 });

        Assert.That(FailuresOnTheRows(failed), Is.EqualTo(new[] { "max_ratio(over_artist_cap_rows)" }));
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
