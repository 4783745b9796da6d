using BatchJobs.Jobs.PlaylistEvaluation;

namespace BatchJobs.Jobs.Tests.PlaylistEvaluation;

public class PlaylistMetricsTests
{
    // Four tracks on the unit circle: 0 and 1 identical, 2 orthogonal, 3 opposite to 0.
    private static readonly float[] Unit = [1, 0, 1, 0, 0, 1, -1, 0];
    private static readonly int[] Artists = [0, 0, 1, 2];
    private static readonly int[] Ranks = [1, 2, 3, 4];

    private static UserPlaylistMetrics Of(int[] playlist, params int[] played) =>
        PlaylistMetrics.OfUser(playlist, played.ToHashSet(), Unit, 2, Artists, Ranks);

    [Test]
    public void Metrics_match_a_hand_computed_example()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Of([0, 1], 1), Is.EqualTo(new UserPlaylistMetrics(2, 1, 1, 3, true, 0)), "identical tracks of one artist, one of them played");
            Assert.That(Of([2, 3], 0), Is.EqualTo(new UserPlaylistMetrics(2, 0, 2, 7, true, 1)), "orthogonal: distance 1; the play is not in the list");
            Assert.That(Of([0, 3]), Is.EqualTo(new UserPlaylistMetrics(2, 0, 2, 5, true, 2)), "opposite: distance 2");
        });
    }

    [Test]
    public void Diversity_is_the_mean_over_pairs_and_undefined_below_two_tracks()
    {
        // Pairs (0,2) = 1, (0,3) = 2, (2,3) = 1: mean 4 / 3.
        Assert.That(Of([0, 2, 3]).Diversity, Is.EqualTo(4 / 3.0).Within(1e-9));
        Assert.That(Of([2]), Is.EqualTo(new UserPlaylistMetrics(1, 0, 1, 3, false, 0)));
        Assert.That(Of([]), Is.EqualTo(new UserPlaylistMetrics(0, 0, 0, 0, false, 0)));
    }

    [Test]
    public void The_popularity_baseline_skips_played_tracks_and_caps_artists()
    {
        int[] artists = [0, 0, 0, 1, 2];

        var picks = PlaylistMetrics.PopularUnplayed([0, 1, 2, 3, 4], new HashSet<int> { 3 }, artists, length: 3, maxPerArtist: 2);

        Assert.That(picks, Is.EqualTo(new[] { 0, 1, 4 }));
    }
}
