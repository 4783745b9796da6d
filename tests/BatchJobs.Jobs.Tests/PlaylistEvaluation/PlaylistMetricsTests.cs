using BatchJobs.Jobs.Playlists;

namespace BatchJobs.Jobs.Tests.Playlists;

public class PlaylistMetricsTests
{
    [Test]
    public void MetricsMatchAHandComputedExample()
    {
        // Four tracks on the unit circle: 0 and 1 identical, 2 orthogonal, 3 opposite to 0.
        float[] unit = [1, 0, 1, 0, 0, 1, -1, 0];
        int[] artists = [0, 0, 1, 2];
        int[] ranks = [1, 2, 3, 4];
        var playlists = new List<int[]> { new[] { 0, 1 }, new[] { 2, 3 }, new[] { 0, 3 } };
        var plays = new List<IReadOnlySet<int>> { new HashSet<int> { 1 }, new HashSet<int> { 0 }, new HashSet<int>() };

        var report = PlaylistMetrics.Evaluate(playlists, plays, unit, 2, artists, ranks);

        Assert.That(report.Users, Is.EqualTo(3));
        Assert.That(report.ActiveUsers, Is.EqualTo(2), "the third user played nothing");
        Assert.That(report.HitRate, Is.EqualTo(0.5), "the first user played track 1 of its list; the second played none of its list");
        Assert.That(report.Precision, Is.EqualTo(0.25));
        // Distances: (0,1) = 0, (2,3) = 1, (0,3) = 2.
        Assert.That(report.IntraListDiversity, Is.EqualTo(1.0).Within(1e-9));
        Assert.That(report.DistinctArtists, Is.EqualTo(5 / 3.0).Within(1e-9));
        Assert.That(report.MeanPopularityRank, Is.EqualTo((1 + 2 + 3 + 4 + 1 + 4) / 6.0).Within(1e-9));
        Assert.That(report.Coverage, Is.EqualTo(1.0));
    }

    [Test]
    public void ThePopularityBaselineSkipsPlayedTracksAndCapsArtists()
    {
        int[] artists = [0, 0, 0, 1, 2];

        var picks = PlaylistMetrics.PopularUnplayed([0, 1, 2, 3, 4], new HashSet<int> { 3 }, artists, length: 3, maxPerArtist: 2);

        Assert.That(picks, Is.EqualTo(new[] { 0, 1, 4 }));
    }
}
