using BatchJobs.Jobs.Clustering;
using BatchJobs.Jobs.DailyMix;
using BatchJobs.Jobs.Playlists;
using BatchJobs.Jobs.Similarity;

namespace BatchJobs.Jobs.Tests.DailyMix;

/// <summary>
/// <see cref="DailyMixBuilder"/> on a hand-made model with a known answer. Four taste clusters in two factors, with
/// centroids at 0°, 30°, 90° and 180° (so cluster 0's nearest is 1, and cluster 3's nearest is 2): tracks 0..59 in
/// cluster 0, 60..119 in 1, 120..179 in 2 and 180..191 in 3, five tracks per artist (track t is by artist a{t / 5}).
/// Users: u0 heavy in clusters 0 and 2; u1 with five favourites in each of clusters 0, 1 and 2; u2 with three
/// favourites; u3 who only ever skipped four tracks of cluster 3 (a zero vector); u4 without history.
/// </summary>
public class DailyMixBuilderTests
{
    private static readonly double[] Angles = [0, 30, 90, 180];
    private static readonly DailyMixOptions Defaults = new();

    private static int ClusterOf(int track) => track < 180 ? track / 60 : 3;

    private static DailyMixBuilder Builder()
    {
        const int trackCount = 192;
        var trackVectors = new float[trackCount * 2];
        for (var t = 0; t < trackCount; t++)
        {
            // Longer vectors score higher, so the best new tracks are known; every track points at its cluster.
            var angle = Angles[ClusterOf(t)] * Math.PI / 180;
            var length = 1 + 0.01 * (t % 60);
            trackVectors[2 * t] = (float)(Math.Cos(angle) * length);
            trackVectors[2 * t + 1] = (float)(Math.Sin(angle) * length);
        }
        var tracks = new EmbeddingTable(Enumerable.Range(0, trackCount).Select(t => $"t{t:000}").ToArray(),
            Enumerable.Range(0, trackCount).Select(t => $"a{t / 5:00}").ToArray(), trackVectors, 2);
        var centroids = Angles.SelectMany(a => new[] { (float)Math.Cos(a * Math.PI / 180), (float)Math.Sin(a * Math.PI / 180) }).ToArray();
        var clusters = new TasteClusterTable(Enumerable.Range(0, trackCount).Select(ClusterOf).ToArray(), ["c0", "c1", "c2", "c3"], ["", "", "", ""], centroids, 2);
        var users = new EmbeddingTable(["u0", "u1", "u2", "u3", "u4"], null, [1, 0, 1, 0, 0, 1, 0, 0, 0, 0], 2);

        var plays = new List<(int User, int Track, float Affinity, int Streams, int Skips)>();
        for (var i = 0; i < 30; i++) plays.Add((0, i, 10 - 0.1f * i, 5, 0));
        for (var i = 0; i < 20; i++) plays.Add((0, 120 + i, 2, 2, 0));
        for (var i = 0; i < 5; i++)
        {
            plays.Add((1, 40 + i, 3, 3, 0));
            plays.Add((1, 100 + i, 2, 2, 0));
            plays.Add((1, 160 + i, 1, 1, 0));
        }
        for (var i = 0; i < 3; i++) plays.Add((2, 60 + i, 1, 1, 0));
        for (var i = 0; i < 4; i++) plays.Add((3, 180 + i, 0, 0, 3));
        var history = ListeningHistory.Build(5, plays.Select(p => p.User).ToList(), plays.Select(p => p.Track).ToList(),
            plays.Select(p => p.Affinity).ToList(), plays.Select(p => p.Streams).ToList(), plays.Select(p => p.Skips).ToList());
        var catalogue = new PlaylistCatalogue(tracks, clusters, new TrackPopularity(history, trackCount), artist => "Artist " + artist);
        return new DailyMixBuilder(users, history, catalogue, Defaults);
    }

    private static DailyMixRow[][] Build(int workers = 2) => Builder().Build(workers, CancellationToken.None);

    private static int[] Favourites(DailyMixRow[] rows, int mix) => rows.Where(r => r.MixNumber == mix && !r.IsNew).Select(r => r.Track).ToArray();

    private static int[] NewTracks(DailyMixRow[] rows, int mix) => rows.Where(r => r.MixNumber == mix && r.IsNew).Select(r => r.Track).ToArray();

    [Test]
    public void AHeavyListenerGetsAMixPerStrongCluster()
    {
        var u0 = Build()[0];

        Assert.That(u0.Select(r => r.MixNumber).Distinct(), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(Favourites(u0, 1), Is.EquivalentTo(Enumerable.Range(0, 30)));
        Assert.That(NewTracks(u0, 1), Has.Length.EqualTo(10), "a quarter of 40");
        Assert.That(NewTracks(u0, 1), Is.EquivalentTo(Enumerable.Range(50, 10)), "the best-scored unplayed tracks of cluster 0");
        Assert.That(Favourites(u0, 2), Is.EquivalentTo(Enumerable.Range(120, 20)));
        Assert.That(NewTracks(u0, 2).Select(ClusterOf), Has.All.EqualTo(2));
    }

    [Test]
    public void TheStrongestClusterBorrowsFavouritesFromItsNearestClusterWhenItHasTooFew()
    {
        var u1 = Build()[1];

        Assert.That(u1.Select(r => r.MixNumber).Distinct(), Is.EqualTo(new[] { 1 }), "five favourites per cluster are too few for a mix of their own");
        Assert.That(Favourites(u1, 1), Is.EquivalentTo(Enumerable.Range(40, 5).Concat(Enumerable.Range(100, 5))),
            "cluster 0's five, and five from cluster 1 at 30°, none from cluster 2 at 90°");
        Assert.That(NewTracks(u1, 1), Has.Length.EqualTo(15), "ten favourites keep a mix of 25 within 60% new");
        Assert.That(NewTracks(u1, 1).Select(ClusterOf), Has.All.EqualTo(0));
        Assert.That(u1.Select(r => r.MixName).Distinct().Single(), Is.EqualTo("Artist a08 and Artist a20"));
    }

    [Test]
    public void AThinHistoryGetsOneMixOfAllItsFavouritesFilledWithNewTracks()
    {
        var u2 = Build()[2];

        Assert.That(u2, Has.Length.EqualTo(Defaults.MinLength));
        Assert.That(u2.Select(r => r.MixNumber), Has.All.EqualTo(1));
        Assert.That(Favourites(u2, 1), Is.EquivalentTo(new[] { 60, 61, 62 }));
        Assert.That(NewTracks(u2, 1).Select(ClusterOf), Has.All.EqualTo(1));
        Assert.That(u2[0].IsNew, Is.False, "the mix opens with a favourite");
    }

    [Test]
    public void AListenerWithoutFavouritesGetsNewTracksOfTheClusterTheyPlayedThenOfItsNearest()
    {
        var u3 = Build()[3];

        Assert.That(u3, Has.Length.EqualTo(Defaults.MinLength));
        Assert.That(u3.Select(r => r.IsNew), Has.All.True);
        // Cluster 3 has 8 unplayed tracks; cluster 2 (its nearest) fills the rest. A zero vector scores every track
        // alike, so those others listened to come first, then by row.
        Assert.That(u3.Select(r => r.Track), Is.EquivalentTo(Enumerable.Range(184, 8).Concat(Enumerable.Range(120, 17))));
        Assert.That(u3.Select(r => r.MixName).Distinct().Single(), Does.StartWith("Artist a"));
    }

    [Test]
    public void AUserWithoutHistoryGetsNoMix() => Assert.That(Build()[4], Is.Empty);

    [Test]
    public void EveryMixKeepsTheRules()
    {
        var mixes = Build();

        for (var u = 0; u < 4; u++)
        {
            var rows = mixes[u];
            Assert.That(rows.Select(r => r.Track).Distinct().Count(), Is.EqualTo(rows.Length), $"u{u}: no track in two mixes");
            foreach (var mix in rows.GroupBy(r => r.MixNumber))
            {
                Assert.That(mix.Count(), Is.InRange(Defaults.MinLength, Defaults.MaxLength), $"u{u} mix {mix.Key}");
                Assert.That(mix.Select(r => r.Position), Is.EqualTo(Enumerable.Range(1, mix.Count())), $"u{u} mix {mix.Key}");
                var favourites = mix.Count(r => !r.IsNew);
                if (favourites >= MixAssembly.FavouritesNeeded(Defaults))
                    Assert.That(mix.Count(r => r.IsNew), Is.LessThanOrEqualTo(Defaults.MaxNewShare * mix.Count()), $"u{u} mix {mix.Key}: within max_new_share");
                else
                    Assert.That(rows.Select(r => r.MixNumber).Distinct().Count(), Is.EqualTo(1), $"u{u}: a mix above max_new_share is the user's only one");
            }
        }
    }

    [Test]
    public void TheResultDoesNotDependOnTheThreadCount()
    {
        var one = Build(workers: 1);
        var three = Build(workers: 3);

        for (var u = 0; u < one.Length; u++) Assert.That(three[u], Is.EqualTo(one[u]), $"u{u}");
    }
}
