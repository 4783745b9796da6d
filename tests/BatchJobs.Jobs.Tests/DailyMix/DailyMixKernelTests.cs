using Apache.Arrow;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;
using BatchJobs.Jobs.Tests.Playlists;
using BatchJobs.Jobs.DailyMix;

namespace BatchJobs.Jobs.Tests.DailyMix;

/// <summary>
/// <see cref="DailyMixKernel"/> on a tiny group with a known answer. Tracks t0..t3 (artists a0, a0, a1, a1) point
/// along x with lengths 1.0..1.3 and form cluster 0; t4..t7 (a2, a2, a3, a3) point along y and form cluster 1. u1
/// (vector x) played t0, t1 (cluster 0) and t4, t5 (cluster 1); u2 has a vector and no plays. Mixes of 3..4 tracks
/// with a quarter new, so each mix is two favourites and one new track.
/// </summary>
public class DailyMixKernelTests
{
    private static readonly DailyMixOptions Options = new()
    {
        MaxMixes = 2, MinLength = 3, MaxLength = 4, NewShare = 0.25, MaxNewShare = 0.6, MinFavourites = 1, MinClusterShare = 0.05, MinSkips = 2,
    };

    /// <summary>The tiny catalogue; other users' plays make t7 more popular than t6.</summary>
    private static SideInputs Catalogue() => TinyPlaylistWorld.Catalogue([1, 1, 0, 0, 1, 1, 1, 2]);

    private static readonly TinyPlaylistWorld.UserRow[] U1 =
    [
        ("u1", 0, [1, 0], null, 0, 0, 0),
        ("u1", 1, null, "t4", 1, 1, 0),
        ("u1", 1, null, "t0", 3, 3, 0),
        ("u1", 1, null, "t5", 0.5, 1, 0),
        ("u1", 1, null, "t1", 2, 2, 0),
    ];

    private static List<(string, int, string, int, string, string, bool, float)> Rows(RecordBatch batch, DailyMixKernel kernel)
    {
        var c = ArrowColumns.Columns(batch, kernel.OutputSchema);
        return Enumerable.Range(0, batch.Length).Select(i => (((string?[])c[0])[i]!, ((int[])c[1])[i], ((string?[])c[2])[i]!, ((int[])c[3])[i],
            ((string?[])c[4])[i]!, ((string?[])c[5])[i]!, ((bool[])c[6])[i], ((float[])c[7])[i])).ToList();
    }

    [Test]
    public void Each_cluster_mix_is_its_favourites_with_the_best_new_track_and_ties_go_to_catalogue_listeners()
    {
        var kernel = new DailyMixKernel(Options);

        var rows = Rows(kernel.Apply(TinyPlaylistWorld.Group([.. U1, ("u2", 0, [0, 1], null, 0, 0, 0)]), Catalogue()), kernel);

        Assert.That(rows, Is.EqualTo(new[]
        {
            ("u1", 1, "Ann", 1, "t0", "a0", false, 3f),
            ("u1", 1, "Ann", 2, "t1", "a0", false, 2f),
            ("u1", 1, "Ann", 3, "t3", "a1", true, 1.3f),
            ("u1", 2, "Cy", 1, "t4", "a2", false, 1f),
            ("u1", 2, "Cy", 2, "t5", "a2", false, 0.5f),
            // t6 and t7 both score 0 for u1: t7 has more listeners in the whole history, though none in this group.
            ("u1", 2, "Cy", 3, "t7", "a3", true, 0f),
        }), "u2 has no history, so no mix");
    }

    [Test]
    public void A_users_mixes_do_not_depend_on_the_users_grouped_with_it()
    {
        var kernel = new DailyMixKernel(Options);
        var sides = Catalogue();
        (string, int, float[]?, string?, double, long, long)[] u0 = [("u0", 0, [0, 1], null, 0, 0, 0), ("u0", 1, null, "t2", 5, 5, 0), ("u0", 1, null, "t7", 4, 4, 0)];

        var alone = Rows(kernel.Apply(TinyPlaylistWorld.Group(U1), sides), kernel);
        var together = Rows(kernel.Apply(TinyPlaylistWorld.Group([.. u0, .. U1]), sides), kernel);

        Assert.That(together.Where(r => r.Item1 == "u1"), Is.EqualTo(alone));
        Assert.That(together.Where(r => r.Item1 == "u0"), Is.Not.Empty);
    }
}
