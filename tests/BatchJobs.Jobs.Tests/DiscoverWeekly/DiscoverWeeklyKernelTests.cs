using Apache.Arrow;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;
using BatchJobs.Jobs.Tests.Playlists;
using BatchJobs.Jobs.DiscoverWeekly;
using BatchJobs.Jobs.Playlists;

namespace BatchJobs.Jobs.Tests.DiscoverWeekly;

/// <summary>
/// <see cref="DiscoverWeeklyKernel"/> on a tiny group with a known answer. Tracks t0..t3 (artists a0, a0, a1, a1) point
/// along x with lengths 1.0..1.3 and form cluster 0 (pop); t4..t7 (a2, a2, a3, a3) point along y with lengths 1.0..1.3
/// and form cluster 1 (jazz), the only cluster next to 0. Playlists of 3, one track per artist, pure relevance
/// (relevance weight 1) less 0.07 x popularity, so that popularity (0.01 per rank step here) decides between the weak
/// candidates. u1 (vector (1, 0.1)) played t0 and t1, enough history; u2 played only t6, too little.
/// </summary>
public class DiscoverWeeklyKernelTests
{
    private static readonly DiscoverWeeklySettings Settings = new()
    {
        Diversity = new DiversityOptions { Length = 3, MaxPerArtist = 1, RelevanceWeight = 1, PopularityPenalty = 0.07f, MinAdjacent = 1 },
        CandidatePool = 3, MinHistoryTracks = 2, MinClusterShare = 0.05, MaxUserClusters = 2, AdjacentClusters = 1,
        PriorityMaxBoost = 0.1f, PriorityMinRelevance = 0.5f,
    };

    /// <summary>
    /// The tiny catalogue with artist vectors. Listeners over the whole history rank the tracks t6, t0, t1, t4, t3, t7,
    /// t2, t5 (shares 1, 6/7, .., 0), whatever the group played.
    /// </summary>
    private static SideInputs Catalogue() => TinyPlaylistWorld.Catalogue([3, 3, 0, 1, 2, 0, 4, 1], [[1, 0], [1, 0.2f], [0, 1], [0.2f, 1]]);

    private static readonly TinyPlaylistWorld.UserRow[] U1 =
    [
        ("u1", 0, [1, 0.1f], null, 0, 0, 0),
        ("u1", 1, null, "t1", 2, 2, 0),
        ("u1", 1, null, "t0", 3, 3, 0),
    ];

    private static readonly TinyPlaylistWorld.UserRow[] U2 =
    [
        ("u2", 0, [0, 1], null, 0, 0, 0),
        ("u2", 1, null, "t6", 1, 1, 0),
    ];

    /// <summary>The output rows, scores rounded to 4 places (they are float dot products and popularity shares).</summary>
    private static List<(string, int, string, string, double, string, string)> Rows(RecordBatch batch, DiscoverWeeklyKernel kernel)
    {
        var c = ArrowColumns.Columns(batch, kernel.OutputSchema);
        return Enumerable.Range(0, batch.Length).Select(i => (((string?[])c[0])[i]!, ((int[])c[1])[i], ((string?[])c[2])[i]!, ((string?[])c[3])[i]!,
            Math.Round(((float[])c[4])[i], 4), ((string?[])c[5])[i]!, ((string?[])c[6])[i]!)).ToList();
    }

    [Test]
    public void Picks_are_capped_per_artist_and_cluster_with_popularity_from_the_whole_history_and_thin_users_fall_back()
    {
        var kernel = new DiscoverWeeklyKernel(Settings, []);

        var rows = Rows(kernel.Apply(TinyPlaylistWorld.Group([.. U1, .. U2]), Catalogue()), kernel);

        Assert.That(rows, Is.EqualTo(new[]
        {
            ("u1", 1, "t3", "a1", 1.3, "relevant", "because you play Ann"),
            // t2 is t3's artist's. t5 (no listeners) beats t7 (one), though the group played neither; t7 then comes
            // past the adjacent cluster's cap of 1 because nothing else is left.
            ("u1", 2, "t5", "a2", 0.11, "adjacent", "because you play Ann; a step into jazz"),
            ("u1", 3, "t7", "a3", 0.13, "adjacent", "because you play Ann; a step into jazz"),
            // u2's cluster most played first (t6 played, t5 over a2's cap), then the catalogue's most played.
            ("u2", 1, "t4", "a2", Math.Round(4 / 7.0, 4), "fallback", "popular in jazz while we learn your taste"),
            ("u2", 2, "t7", "a3", Math.Round(2 / 7.0, 4), "fallback", "popular in jazz while we learn your taste"),
            ("u2", 3, "t0", "a0", Math.Round(6 / 7.0, 4), "fallback", "popular in pop while we learn your taste"),
        }));
    }

    [Test]
    public void An_artists_flag_boosts_its_own_relevant_track_and_a_flag_of_another_artists_track_is_ignored()
    {
        ArtistPriority.Flag[] flags = [new("a1", "t2", 0.5f), new("a0", "t3", 1f)];
        var kernel = new DiscoverWeeklyKernel(Settings, flags);

        var rows = Rows(kernel.Apply(TinyPlaylistWorld.Group(U1), Catalogue()), kernel);

        Assert.That(rows.Select(r => (r.Item3, r.Item6, r.Item7)), Is.EqualTo(new[]
        {
            // t2 (relevance 0.92) gains the capped boost of 0.1 and passes t3 (1.0, less 0.02 more popularity penalty).
            ("t2", "priority", "because you play Ann; highlighted by Bob"),
            ("t5", "adjacent", "because you play Ann; a step into jazz"),
            ("t7", "adjacent", "because you play Ann; a step into jazz"),
        }), "a0 may not flag a1's t3");
    }

    [Test]
    public void A_users_playlist_does_not_depend_on_the_users_grouped_with_it()
    {
        var kernel = new DiscoverWeeklyKernel(Settings, []);
        var sides = Catalogue();
        (string, int, float[]?, string?, double, long, long)[] u0 =
            [("u0", 0, [0.1f, 1], null, 0, 0, 0), ("u0", 1, null, "t4", 5, 5, 0), ("u0", 1, null, "t5", 4, 4, 0), ("u0", 1, null, "t3", 1, 1, 0)];
        (string, int, float[]?, string?, double, long, long)[] u3 = [("u3", 0, [1, 1], null, 0, 0, 0)];

        var alone = Rows(kernel.Apply(TinyPlaylistWorld.Group(U1), sides), kernel);
        var together = Rows(kernel.Apply(TinyPlaylistWorld.Group([.. u0, .. U1, .. U2, .. u3]), sides), kernel);

        Assert.That(together.Where(r => r.Item1 == "u1"), Is.EqualTo(alone));
        Assert.That(together.Where(r => r.Item1 == "u2"), Is.EqualTo(Rows(kernel.Apply(TinyPlaylistWorld.Group(U2), sides), kernel)));
        Assert.That(together.Select(r => r.Item1).Distinct(), Is.EqualTo(new[] { "u0", "u1", "u2", "u3" }), "every user gets rows, in the group's order");
    }
}
