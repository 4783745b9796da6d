using BatchJobs.Generation.Tests.Support;
using BatchJobs.Generation.World;

namespace BatchJobs.Generation.Tests.World;

public sealed class CatalogueBuilderTests
{
    private static readonly WorldOptions Options = TestWorlds.Small("/tmp/unused") with { Tracks = 20_000, Artists = 1_000, Days = 28 };
    private Catalogue _catalogue = null!;

    [OneTimeSetUp]
    public void Build() => _catalogue = CatalogueBuilder.Build(Options);

    [Test]
    public void Every_artist_has_a_contiguous_run_of_tracks_and_a_few_are_prolific()
    {
        Assert.That(_catalogue.ArtistCount, Is.EqualTo(1_000));
        int[] counts = new int[_catalogue.ArtistCount];
        for (int a = 0; a < counts.Length; a++)
        {
            counts[a] = _catalogue.ArtistFirstTrack[a + 1] - _catalogue.ArtistFirstTrack[a];
            for (int t = _catalogue.ArtistFirstTrack[a]; t < _catalogue.ArtistFirstTrack[a + 1]; t++)
            {
                Assert.That(_catalogue.Tracks[t].Artist, Is.EqualTo(a));
            }
        }

        Assert.That(counts, Has.All.GreaterThanOrEqualTo(1));
        Assert.That(counts.Sum(), Is.EqualTo(20_000));
        Assert.That(counts.Max(), Is.GreaterThan(5 * counts.Average()), "a few prolific artists");
    }

    [Test]
    public void Albums_are_contiguous_within_one_artist_and_share_a_release_day()
    {
        for (int album = 0; album < _catalogue.AlbumCount; album++)
        {
            int first = _catalogue.AlbumFirstTrack[album];
            int end = _catalogue.AlbumFirstTrack[album + 1];
            Assert.That(end - first, Is.InRange(1, 14));
            for (int t = first; t < end; t++)
            {
                Assert.That(_catalogue.Tracks[t].Album, Is.EqualTo(album));
                Assert.That(_catalogue.Tracks[t].Artist, Is.EqualTo(_catalogue.Tracks[first].Artist));
                Assert.That(_catalogue.Tracks[t].ReleaseDay, Is.EqualTo(_catalogue.Tracks[first].ReleaseDay));
            }
        }
    }

    [Test]
    public void Artists_have_one_to_three_distinct_genres_and_tracks_mostly_their_primary_one()
    {
        int primary = 0;
        for (int a = 0; a < _catalogue.ArtistCount; a++)
        {
            var genres = _catalogue.ArtistGenres.AsSpan(a * Catalogue.MaxArtistGenres, Catalogue.MaxArtistGenres).ToArray()
                .Where(g => g != Catalogue.NoGenre).ToArray();
            Assert.That(genres, Has.Length.InRange(1, 3).And.Unique);
            for (int t = _catalogue.ArtistFirstTrack[a]; t < _catalogue.ArtistFirstTrack[a + 1]; t++)
            {
                Assert.That(genres, Does.Contain(_catalogue.Tracks[t].Genre));
                primary += _catalogue.Tracks[t].Genre == genres[0] ? 1 : 0;
            }
        }

        Assert.That(primary / 20_000.0, Is.GreaterThan(0.8));
        Assert.That(_catalogue.Tracks.Select(t => t.Genre).Distinct().Count(), Is.GreaterThan(15));
    }

    [Test]
    public void Durations_are_realistic_with_a_few_short_tracks()
    {
        int[] durations = _catalogue.Tracks.Select(t => t.DurationMs).Order().ToArray();
        Assert.That(durations[0], Is.GreaterThanOrEqualTo(5_000));
        Assert.That(durations[^1], Is.LessThanOrEqualTo(900_000));
        Assert.That(durations[durations.Length / 2], Is.InRange(190_000, 230_000), "median about 3.5 minutes");
        Assert.That(durations.Count(d => d < 30_000) / 20_000.0, Is.InRange(0.01, 0.04));
    }

    [Test]
    public void Most_tracks_predate_the_window_and_a_few_are_released_during_it()
    {
        int[] days = _catalogue.Tracks.Select(t => t.ReleaseDay).ToArray();
        Assert.That(days, Has.All.LessThan(28));
        Assert.That(days.Count(d => d >= 0) / 20_000.0, Is.InRange(0.02, 0.07));
        Assert.That(days.Min(), Is.GreaterThanOrEqualTo(-(1 + 40 * 365)));
        Assert.That(_catalogue.Tracks[_catalogue.AlwaysReleasedTrack].ReleaseDay, Is.LessThan(0));
        Assert.That(_catalogue.NewReleasesByGenre.Sum(g => g.Length), Is.EqualTo(days.Count(d => d >= 0)));
    }

    [Test]
    public void Popularity_follows_a_zipf_law_over_ranks()
    {
        float[] weights = _catalogue.Tracks.Select(t => t.Weight).OrderDescending().ToArray();
        for (int rank = 0; rank < weights.Length; rank += 997)
        {
            Assert.That(weights[rank], Is.EqualTo(Math.Pow(rank + 1, -0.9)).Within(1e-6), $"rank {rank}");
        }
    }

    [Test]
    public void The_same_options_build_the_same_catalogue()
    {
        var again = CatalogueBuilder.Build(Options);
        Assert.That(again.Tracks, Is.EqualTo(_catalogue.Tracks));
        Assert.That(again.ArtistGenres, Is.EqualTo(_catalogue.ArtistGenres));
        Assert.That(CatalogueBuilder.Build(Options with { Seed = 8 }).Tracks, Is.Not.EqualTo(_catalogue.Tracks));
    }

    [Test]
    public void A_one_track_world_still_has_a_track_to_play_on_the_first_day()
    {
        var tiny = CatalogueBuilder.Build(Options with { Tracks = 1, Artists = 1 });
        Assert.That(tiny.Tracks[0].ReleaseDay, Is.LessThan(0));
        Assert.That(tiny.AlbumCount, Is.EqualTo(1));
    }
}
