using BatchJobs.Jobs.Playlists;

namespace BatchJobs.Jobs.Tests.Playlists;

public class DiversityRerankerTests
{
    private const int Factors = 2;

    /// <summary>A unit vector at <paramref name="degrees"/> in the plane.</summary>
    private static float[] At(double degrees) => [(float)Math.Cos(degrees * Math.PI / 180), (float)Math.Sin(degrees * Math.PI / 180)];

    private static RerankCandidates Candidates(params (float Relevance, int Artist, int Cluster, double Angle)[] items)
    {
        var candidates = new RerankCandidates(Factors);
        candidates.Reset(items.Length);
        foreach (var (relevance, artist, cluster, angle) in items) candidates.Add(relevance, 0, 0, artist, cluster, false, At(angle));
        candidates.ClusterCaps.AsSpan().Fill(int.MaxValue);
        return candidates;
    }

    private static int[] Select(RerankCandidates candidates, DiversityOptions options)
    {
        var picks = new int[options.Length];
        var count = DiversityReranker.Select(candidates, options, picks);
        return picks[..count];
    }

    [Test]
    public void NoArtistGetsMoreThanItsCapEvenWhenItHoldsTheBestCandidates()
    {
        var candidates = Candidates((1.0f, 0, 0, 0), (0.99f, 0, 0, 10), (0.98f, 0, 0, 20), (0.5f, 1, 0, 30), (0.4f, 2, 0, 40));

        var picks = Select(candidates, new DiversityOptions { Length = 4, MaxPerArtist = 2, MinAdjacent = 0, RelevanceWeight = 1, PopularityPenalty = 0 });

        Assert.That(picks, Is.EqualTo(new[] { 0, 1, 3, 4 }), "the third track of artist 0 is skipped for the next artists");
    }

    [Test]
    public void MarginalRelevancePrefersADifferentTrackOverANearDuplicate()
    {
        // Candidate 1 is almost candidate 0 (cosine ~1); candidate 2 is orthogonal and a little less relevant.
        var candidates = Candidates((1.0f, 0, 0, 0), (0.95f, 1, 0, 1), (0.9f, 2, 0, 90));

        var mmr = Select(candidates, new DiversityOptions { Length = 2, MinAdjacent = 0, RelevanceWeight = 0.8f, PopularityPenalty = 0 });
        var relevanceOnly = Select(candidates, new DiversityOptions { Length = 2, MinAdjacent = 0, RelevanceWeight = 1f, PopularityPenalty = 0 });

        // λ = 0.8: candidate 1 scores 0.8·0.95 − 0.2·0.9998 = 0.56, candidate 2 scores 0.8·0.9 − 0 = 0.72.
        Assert.That(mmr, Is.EqualTo(new[] { 0, 2 }));
        Assert.That(relevanceOnly, Is.EqualTo(new[] { 0, 1 }));
    }

    [Test]
    public void ThePopularityPenaltyBreaksANearTieTowardsTheLessPopularTrack()
    {
        var candidates = new RerankCandidates(Factors);
        candidates.Reset(2);
        candidates.Add(1.0f, 0, popularity: 1.0f, 0, 0, false, At(0));
        candidates.Add(0.98f, 0, popularity: 0.0f, 1, 0, false, At(90));
        candidates.ClusterCaps[0] = 10;

        var picks = Select(candidates, new DiversityOptions { Length = 1, MinAdjacent = 0, RelevanceWeight = 1, PopularityPenalty = 0.05f });

        Assert.That(picks, Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public void AnAdjacentTrackIsGuaranteedEvenWhenItIsTheLeastRelevant()
    {
        var candidates = new RerankCandidates(Factors);
        candidates.Reset(4);
        for (var i = 0; i < 3; i++) candidates.Add(1 - i * 0.1f, 0, 0, i, 0, false, At(i * 30));
        candidates.Add(0.1f, 0, 0, 3, 1, adjacent: true, At(100));
        candidates.ClusterCaps[0] = 10;
        candidates.ClusterCaps[1] = 10;

        var picks = Select(candidates, new DiversityOptions { Length = 3, MinAdjacent = 1, RelevanceWeight = 1, PopularityPenalty = 0 });

        Assert.That(picks, Is.EqualTo(new[] { 0, 1, 3 }), "the last slot is kept for the adjacent cluster");
    }

    [Test]
    public void ClusterCapsSpreadThePicksAndAreLiftedOnlyWhenNothingElseIsLeft()
    {
        // Cluster 0 holds the three best candidates but may give 1; cluster 1 may give 1.
        var candidates = Candidates((1.0f, 0, 0, 0), (0.9f, 1, 0, 10), (0.8f, 2, 0, 20), (0.3f, 3, 1, 30));
        candidates.ClusterCaps[0] = 1;
        candidates.ClusterCaps[1] = 1;

        var picks = Select(candidates, new DiversityOptions { Length = 3, MinAdjacent = 0, RelevanceWeight = 1, PopularityPenalty = 0 });

        Assert.That(picks, Is.EqualTo(new[] { 0, 3, 1 }));
    }

    [Test]
    public void OnlyOneBoostedTrackGetsItsBoost()
    {
        var candidates = new RerankCandidates(Factors);
        candidates.Reset(4);
        candidates.Add(1.0f, 0, 0, 0, 0, false, At(0));
        candidates.Add(0.9f, 0.1f, 0, 1, 0, false, At(10));   // boosted: 1.0 > 1.0? ties go to the lower index
        candidates.Add(0.85f, 0.1f, 0, 2, 0, false, At(20));  // boosted: 0.95 with its boost, 0.85 without
        candidates.Add(0.88f, 0, 0, 3, 0, false, At(30));
        candidates.ClusterCaps[0] = 10;

        var picks = Select(candidates, new DiversityOptions { Length = 3, MinAdjacent = 0, RelevanceWeight = 1, PopularityPenalty = 0 });

        Assert.That(picks, Is.EqualTo(new[] { 0, 1, 3 }), "after candidate 1 takes the boost, candidate 2 competes at 0.85 and loses to 0.88");
    }

    [Test]
    public void AShortPoolGivesAShortPlaylistRatherThanBreakingTheArtistCap()
    {
        var candidates = Candidates((1.0f, 0, 0, 0), (0.9f, 0, 0, 10), (0.8f, 0, 0, 20));

        var picks = Select(candidates, new DiversityOptions { Length = 30, MaxPerArtist = 2, MinAdjacent = 1 });

        Assert.That(picks, Has.Length.EqualTo(2));
    }
}
