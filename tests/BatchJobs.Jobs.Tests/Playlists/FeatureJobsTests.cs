using BatchJobs.Jobs.EditorialPlaylists;
using BatchJobs.Core.Jobs;
using BatchJobs.Jobs.DiscoverWeekly;
using BatchJobs.Jobs.Playlists;

namespace BatchJobs.Jobs.Tests.Playlists;

/// <summary>
/// similar-tracks, taste-clusters, discover-weekly, daily-mix and playlist-evaluation end to end on
/// <see cref="PlaylistWorld"/>, through the real runner, contracts and checks; the pipeline runs once for all tests.
/// </summary>
public class FeatureJobsTests
{
    private static readonly DateOnly Last = new(2026, 11, 19); // a Thursday: its Discover Weekly partition is Monday 16
    private PlaylistWorld world = null!;
    private IReadOnlyList<JobRunResult> results = null!;

    private static readonly Dictionary<string, IReadOnlyDictionary<string, string>> Overrides = new()
    {
        // 200 tracks: one cluster per 50 tracks, as many as there are genres.
        ["taste-clusters"] = new Dictionary<string, string> { ["tracks_per_cluster"] = "50" },
        // 41 listeners: a few factors describe four tastes; 64 would mostly fit noise.
        ["train-embeddings"] = new Dictionary<string, string> { ["factors"] = "8" },
    };

    [OneTimeSetUp]
    public async Task RunThePipelineOnce()
    {
        world = new PlaylistWorld(Last, days: 14);
        await world.PublishHistoryAsync();
        // Artist a01 (jazz) flags all its tracks with a boost far above the cap.
        Directory.CreateDirectory(Path.Combine(world.Root, "raw", "artist_priority"));
        await File.WriteAllLinesAsync(Path.Combine(world.Root, ArtistPriority.RelativePath),
            ["artist_id,track_id,start_date,end_date,max_boost", .. Enumerable.Range(5, 5).Select(t => $"a01,{PlaylistWorld.Track(t)},2026-11-01,2026-11-30,1.0"),
             "a02,t005,2026-11-01,2026-11-30,1.0"]);
        // An editor's pool: the first track of every artist, at most one per artist per user.
        Directory.CreateDirectory(Path.Combine(world.Root, "raw", "editorial"));
        await File.WriteAllTextAsync(Path.Combine(world.Root, EditorialTemplate.RelativePath),
            $"templates:\n  - id: one_each\n    name: One Each\n    length: 8\n    max_per_artist: 1\n    tracks: [{string.Join(", ", Enumerable.Range(0, 40).Select(a => PlaylistWorld.Track(a * 5)))}, t001]\n");
        results = await world.RunAsync(["similar-tracks", "discover-weekly", "daily-mix", "playlist-evaluation", "editorial-playlists"], Overrides);
    }

    [OneTimeTearDown]
    public void TearDown() => world.Dispose();

    private async Task<JobRunResult> RunAsync(string job)
    {
        var result = await world.World.Runner.RunAsync(job, Last, false, Overrides.GetValueOrDefault(job), TextWriter.Null);
        TestContext.Out.WriteLine($"{job}: {result.Status}: {result.Message}");
        return result;
    }

    [Test]
    public void EveryRunPublishesWithoutABlockingFailure()
    {
        Assert.That(results.Where(r => r.Status != JobRunStatus.Published).Select(r => $"{r.Job} {r.Date}: {r.Message}"), Is.Empty);
        Assert.That(results.Select(r => r.Job), Is.SupersetOf(new[] { "similar-tracks", "taste-clusters", "discover-weekly", "daily-mix", "playlist-evaluation" }));
        Assert.That(results.Count(r => r.Job == "discover-weekly"), Is.EqualTo(2), "this week's and, for the evaluation, last week's");
    }

    [Test]
    public async Task SimilarTracksListFiftyOtherTracksBestFirst()
    {
        var rows = await world.RowsAsync("similar_tracks", Last);
        var artists = await world.RowsAsync("similar_artists", Last);

        Assert.That(rows, Has.Count.EqualTo(200 * 50));
        Assert.That(rows.Where(r => Equals(r[0], r[2])), Is.Empty);
        var t010 = rows.Where(r => (string)r[0]! == "t010").OrderBy(r => (int)r[1]!).Select(r => (float)r[4]!).ToList();
        Assert.That(t010, Is.Ordered.Descending);
        // A track's nearest neighbours share its genre: listeners keep to one genre.
        var nearest = rows.Where(r => (string)r[0]! == "t010" && (int)r[1]! <= 10).Select(r => int.Parse(((string)r[2]!)[1..]));
        Assert.That(nearest.Select(PlaylistWorld.GenreOf), Has.All.EqualTo(PlaylistWorld.GenreOf(10)));
        Assert.That(artists, Has.Count.EqualTo(40 * 39), "each artist lists the 39 others");
    }

    [Test]
    public async Task TasteClustersFollowTheGenresAndLabelThem()
    {
        var clusters = await world.RowsAsync("taste_clusters", Last);
        var assignments = await world.RowsAsync("track_clusters", Last);

        Assert.That(clusters.Select(c => (string)c[2]!), Is.EquivalentTo(PlaylistWorld.Genres), "one cluster per genre");
        Assert.That(clusters.Select(c => (double)c[3]!), Has.All.GreaterThan(0.9));
        Assert.That(clusters.Select(c => (string)c[1]!), Has.All.Contains(" · Artist "));
        Assert.That(assignments, Has.Count.EqualTo(200));

        var again = await world.World.Runner.RunAsync("taste-clusters", Last, true, Overrides["taste-clusters"], TextWriter.Null);
        var first = results.Last(r => r.Job == "taste-clusters");
        Assert.That(again.Manifests.Select(m => m.Files[0].Sha256), Is.EqualTo(first.Manifests.Select(m => m.Files[0].Sha256)), "the seed makes k-means reproducible");
    }

    [Test]
    public async Task DiscoverWeeklyGivesEveryListenerThirtyUnplayedTracksUnderTheCaps()
    {
        var rows = await world.RowsAsync("discover_weekly", Last);
        var played = world.Played.Where(d => d.Key <= Last).SelectMany(d => d.Value).ToHashSet();

        Assert.That(results.Last(r => r.Job == "discover-weekly").Manifests[0].Partition, Is.EqualTo("2026-11-16"));
        var byUser = rows.GroupBy(r => (string)r[0]!).ToDictionary(g => g.Key, g => g.OrderBy(r => (int)r[1]!).ToList());
        Assert.That(byUser.Keys, Has.Count.EqualTo(41));
        foreach (var (user, list) in byUser)
        {
            Assert.That(list.Select(r => (int)r[1]!), Is.EqualTo(Enumerable.Range(1, 30)), user);
            Assert.That(list.Where(r => played.Contains((user, (string)r[2]!))), Is.Empty, $"{user} gets only tracks it never played");
            Assert.That(list.GroupBy(r => (string)r[3]!).Max(g => g.Count()), Is.LessThanOrEqualTo(2), $"{user}: artist cap");
            Assert.That(list.Count(r => (string)r[5]! == "priority"), Is.LessThanOrEqualTo(1), $"{user}: one boosted track at most");
        }
        for (var u = 0; u < 40; u++)
        {
            var list = byUser[$"u{u:00}"];
            Assert.That(list.Count(r => (string)r[5]! == "adjacent"), Is.GreaterThanOrEqualTo(1), $"u{u:00} gets a step outside its clusters");
            Assert.That(list.Where(r => (string)r[5]! == "relevant").Select(r => (string)r[6]!), Has.All.StartsWith("because you play Artist "));
            var genres = list.GroupBy(r => PlaylistWorld.GenreOf(int.Parse(((string)r[2]!)[1..]))).OrderByDescending(g => g.Count()).ToList();
            Assert.That(genres[0].Key, Is.EqualTo(PlaylistWorld.Genres[u % 4]), $"u{u:00} gets its own genre most");
        }
        Assert.That(byUser["u40"].Select(r => (string)r[5]!), Has.All.EqualTo("fallback"), "three plays are too little history");
        Assert.That(byUser["u40"].Select(r => (string)r[6]!), Has.All.Contains("while we learn your taste"));
        var boosted = rows.Where(r => (string)r[5]! == "priority").ToList();
        Assert.That(boosted, Is.Not.Empty, "a01's flagged tracks are relevant to jazz listeners");
        Assert.That(boosted.Select(r => (string)r[3]!), Has.All.EqualTo("a01"), "a02 may not flag a01's track");
        Assert.That(boosted.Select(r => (string)r[6]!), Has.All.Contains("highlighted by Artist 1"));
        var manifest = results.Last(r => r.Job == "discover-weekly").Manifests[0];
        var lineage = manifest.Inputs.Single(i => i.RawPath == ArtistPriority.RelativePath);
        Assert.That(lineage.RawFiles!.Select(f => f.Name), Is.EqualTo(new[] { "artist_priority.csv" }), "the optional file read is in the lineage");
        Assert.That(manifest.Statistics["rows"], Is.EqualTo(rows.Count));
        Assert.That(manifest.Statistics["users"], Is.EqualTo(byUser.Count), "every user of the model has a playlist");
        Assert.That(manifest.Statistics["short_users"], Is.Zero);
        Assert.That(manifest.Statistics["fallback_users"], Is.EqualTo(1), "u40");
        Assert.That(manifest.Statistics["priority_rows"], Is.EqualTo(boosted.Count));
        Assert.That(manifest.Statistics["previously_played_rows"], Is.Zero);
    }

    [Test]
    public async Task DailyMixesAreFavouritesWithNewTracksInterleavedAndNoRepeatedSkips()
    {
        var rows = await world.RowsAsync("daily_mix", Last);
        var played = world.Played.Where(d => d.Key <= Last).SelectMany(d => d.Value).ToHashSet();

        var byUser = rows.GroupBy(r => (string)r[0]!).ToDictionary(g => g.Key, g => g.ToList());
        Assert.That(byUser.Keys, Is.EquivalentTo(Enumerable.Range(0, 41).Select(u => $"u{u:00}")), "every user with history has a mix");
        foreach (var (user, list) in byUser)
        {
            Assert.That(list.Select(r => (int)r[1]!).Distinct().Count(), Is.InRange(1, 6), user);
            Assert.That(list.Select(r => (string)r[4]!).Distinct().Count(), Is.EqualTo(list.Count), $"{user}: no track in two mixes");
            foreach (var mix in list.GroupBy(r => (int)r[1]!))
            {
                var ordered = mix.OrderBy(r => (int)r[3]!).ToList();
                Assert.That(ordered, Has.Count.InRange(25, 50));
                Assert.That((bool)ordered[0][6]!, Is.False, "a mix opens with a favourite");
                if (user != "u40") Assert.That(ordered.Count(r => (bool)r[6]!) / (double)ordered.Count, Is.InRange(0.2, 0.6), user);
                Assert.That(ordered.Where(r => (bool)r[6]!).Select(r => played.Contains((user, (string)r[4]!))), Has.All.False, "new tracks are new");
                Assert.That(ordered.Where(r => !(bool)r[6]!).Select(r => played.Contains((user, (string)r[4]!))), Has.All.True, "favourites were played");
                Assert.That(ordered.Select(r => (string)r[2]!).Distinct().Single(), Does.StartWith("Artist "));
            }
        }
        Assert.That(byUser["u00"].Select(r => (string)r[4]!), Does.Not.Contain(PlaylistWorld.SkippedTrack), "u00 keeps skipping t000");
        var u40 = byUser["u40"];
        Assert.That(u40, Has.Count.EqualTo(25), "three plays still make a mix: its three favourites, filled to 25 with new tracks");
        Assert.That(u40.Where(r => !(bool)r[6]!).Select(r => (string)r[4]!), Is.EquivalentTo(new[] { "t001", "t041", "t081" }));
        Assert.That(u40.Where(r => (bool)r[6]!).Select(r => PlaylistWorld.GenreOf(int.Parse(((string)r[4]!)[1..]))), Has.All.EqualTo("rock"), "new tracks of its one taste");
        var manifest = results.Last(r => r.Job == "daily-mix").Manifests[0];
        Assert.That(manifest.Checks.Where(c => c.Status == BatchJobs.Core.Snapshots.CheckStatus.Failed).Select(c => c.Name + ": " + c.Detail), Is.Empty);
        Assert.That(manifest.Statistics["users_without_mix"], Is.Zero);
        Assert.That(manifest.Statistics["thin_users"], Is.EqualTo(1), "u40");
    }

    [Test]
    public async Task ChangingAnOptionalRawInputRecomputesThePlaylistsItFeeds()
    {
        // An artist flag outside the week and a YAML comment: the files change, the playlists do not. Each job first runs
        // once as it is, since another test may have published a run with other parameters.
        var setUp = results.Last(r => r.Job == "discover-weekly").Manifests[0];
        await RunAsync("discover-weekly");
        var unchanged = await RunAsync("discover-weekly");
        await File.AppendAllTextAsync(Path.Combine(world.Root, ArtistPriority.RelativePath), "a01,t006,2025-01-01,2025-01-31,1.0\n");
        var changed = await RunAsync("discover-weekly");
        var again = await RunAsync("discover-weekly");
        await RunAsync("editorial-playlists");
        await File.AppendAllTextAsync(Path.Combine(world.Root, EditorialTemplate.RelativePath), "# reviewed\n");
        var editorialChanged = await RunAsync("editorial-playlists");
        var editorialAgain = await RunAsync("editorial-playlists");

        Assert.That(new[] { unchanged.Status, changed.Status, again.Status, editorialChanged.Status, editorialAgain.Status }, Is.EqualTo(new[]
        {
            JobRunStatus.UpToDate, JobRunStatus.Published, JobRunStatus.UpToDate, JobRunStatus.Published, JobRunStatus.UpToDate,
        }));
        var lineage = changed.Manifests[0].Inputs.Single(i => i.RawPath == ArtistPriority.RelativePath).RawFiles!.Single();
        Assert.That(lineage.Bytes, Is.EqualTo(new FileInfo(Path.Combine(world.Root, ArtistPriority.RelativePath)).Length), "the lineage records the file read");
        Assert.That(changed.Manifests[0].Files[0].Sha256, Is.EqualTo(setUp.Files[0].Sha256), "an inactive flag changes no playlist");
        Assert.That(editorialChanged.Manifests[0].Inputs.Single(i => i.RawPath == EditorialTemplate.RelativePath).RawFiles, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task TheArtistCapCheckFollowsTheMaxPerArtistParameter()
    {
        var three = new Dictionary<string, string> { ["max_per_artist"] = "3" };
        try
        {
            var result = await world.World.Runner.RunAsync("discover-weekly", Last, true, three, TextWriter.Null);

            Assert.That(result.Status, Is.EqualTo(JobRunStatus.Published), result.Message);
            var rows = await world.RowsAsync("discover_weekly", Last);
            var mostOfOneArtist = rows.GroupBy(r => ((string)r[0]!, (string)r[3]!)).Max(g => g.Count());
            Assert.That(mostOfOneArtist, Is.EqualTo(3), "some playlist takes three tracks of one artist, which a check hard-coding 2 would block");
            Assert.That(result.Manifests[0].Checks.Single(c => c.Name.Contains("max_per_artist")).Status, Is.EqualTo(BatchJobs.Core.Snapshots.CheckStatus.Passed));
        }
        finally
        {
            // Later tests read the default playlists.
            await world.World.Runner.RunAsync("discover-weekly", Last, true, null, TextWriter.Null);
        }
    }

    [Test]
    public async Task TheEvaluationScoresLastWeeksPlaylistAgainstThisWeeksPlays()
    {
        var rows = (await world.RowsAsync("playlist_evaluation", Last)).ToDictionary(r => (string)r[0]!);

        Assert.That(rows.Keys, Is.EquivalentTo(new[] { "discover_weekly", "popularity_baseline" }));
        var dw = rows["discover_weekly"];
        Assert.That(dw[1], Is.EqualTo(new DateOnly(2026, 11, 9)), "the playlists of the week before");
        Assert.That(dw[2], Is.EqualTo(40), "u40 had no history a week ago");
        Assert.That((double)dw[4]!, Is.InRange(0.0, 1.0));
        Assert.That((double)dw[9]!, Is.GreaterThan((double)rows["popularity_baseline"][9]!), "personal playlists cover more of the catalogue");
        Assert.That((double)dw[8]!, Is.GreaterThan((double)rows["popularity_baseline"][8]!), "and are more novel");
    }

    [Test]
    public async Task TheEditorialTemplateIsPersonalisedWithinItsPoolAndRules()
    {
        var rows = await world.RowsAsync("editorial_playlists", Last);
        var played = world.Played.Where(d => d.Key <= Last).SelectMany(d => d.Value).ToHashSet();
        var pool = Enumerable.Range(0, 40).Select(a => PlaylistWorld.Track(a * 5)).Append("t001").ToHashSet();

        var byUser = rows.GroupBy(r => (string)r[2]!).ToDictionary(g => g.Key, g => g.OrderBy(r => (int)r[3]!).ToList());
        Assert.That(byUser.Keys, Has.Count.EqualTo(41));
        foreach (var (user, list) in byUser)
        {
            Assert.That(list.Select(r => (string)r[0]!), Has.All.EqualTo("one_each"));
            Assert.That(list, Has.Count.InRange(1, 8), user);
            Assert.That(list.Select(r => (string)r[4]!), Is.SubsetOf(pool));
            Assert.That(list.Where(r => played.Contains((user, (string)r[4]!))), Is.Empty, $"{user}: played tracks are left out");
            Assert.That(list.Select(r => (string)r[5]!).Distinct().Count(), Is.EqualTo(list.Count), $"{user}: one track per artist");
        }
        var manifest = results.Last(r => r.Job == "editorial-playlists").Manifests[0];
        Assert.That(manifest.Statistics["over_artist_cap_rows"], Is.Zero, "the job counts rows past the template's cap for the contract");
        // Personalised: a listener's picks lean to its genre.
        var u01 = byUser["u01"].Take(4).Select(r => PlaylistWorld.GenreOf(int.Parse(((string)r[4]!)[1..])));
        Assert.That(u01, Has.Some.EqualTo(PlaylistWorld.Genres[1]));
    }

    [Test]
    public async Task DiscoverWeeklyRunsOnTheApproximateScorerWhenTheParameterAsks()
    {
        var result = await world.World.Runner.RunAsync("discover-weekly", Last, true, new Dictionary<string, string> { ["scoring_mode"] = "approximate" }, TextWriter.Null);

        Assert.That(result.Status, Is.EqualTo(JobRunStatus.Published), result.Message);
        Assert.That(result.Manifests[0].RowCount, Is.EqualTo(41 * 30));
        Assert.That(result.Manifests[0].Checks.Where(c => c.Status == BatchJobs.Core.Snapshots.CheckStatus.Failed), Is.Empty);
    }

    [Test]
    public async Task DiscoverWeeklyIsReproducible()
    {
        var first = results.Last(r => r.Job == "discover-weekly");

        var again = await world.World.Runner.RunAsync("discover-weekly", Last, true, null, TextWriter.Null);

        Assert.That(again.Manifests[0].Files[0].Sha256, Is.EqualTo(first.Manifests[0].Files[0].Sha256));
    }
}
