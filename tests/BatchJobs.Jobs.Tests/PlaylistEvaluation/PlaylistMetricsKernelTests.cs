using Apache.Arrow;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;
using BatchJobs.Jobs.PlaylistEvaluation;

namespace BatchJobs.Jobs.Tests.PlaylistEvaluation;

public class PlaylistMetricsKernelTests
{
    private static readonly ColumnSpec[] RowColumns =
    [
        new("kind", ColumnType.String, false), new("user_id", ColumnType.String, false), new("position", ColumnType.Int32, false),
        new("track_id", ColumnType.String, false),
    ];

    /// <summary>
    /// Four tracks: t1 (rank 1, artist a) along x, t2 (rank 2, a) along x at twice the length, t3 (rank 3, b) along y,
    /// t4 (rank 4, c) along −x; vectors are normalised by the kernel.
    /// </summary>
    private static SideInputs Tracks() => new(new Dictionary<string, RecordBatch>
    {
        ["track_popularity"] = ArrowColumns.Batch(
            [new("track_id", ColumnType.String, false), new("artist_id", ColumnType.String, false), new("popularity_rank", ColumnType.Int32, false)], 4,
            [new string?[] { "t3", "t1", "t4", "t2" }, new string?[] { "b", "a", "c", "a" }, new[] { 3, 1, 4, 2 }]),
        ["track_embeddings"] = ArrowColumns.Batch(
            [new("track_id", ColumnType.String, false), new("vector", ColumnType.FloatList, false)], 4,
            [new string?[] { "t1", "t2", "t3", "t4" }, new[] { new[] { 1f, 0 }, new[] { 2f, 0 }, new[] { 0f, 3 }, new[] { -1f, 0 } }]),
    });

    [Test]
    public void Every_user_of_a_group_gets_one_row_per_playlist_kind_when_some_lists_are_missing()
    {
        // u1: discover_weekly t1, t3, t4 and baseline t1, t2; played t3 and t2. u2: discover_weekly t2 only, nothing played,
        // no baseline rows at all.
        var rows = ArrowColumns.Batch(RowColumns, 8,
        [
            new string?[] { "discover_weekly", "discover_weekly", "discover_weekly", "played", "played", "popularity_baseline", "popularity_baseline", "discover_weekly" },
            new string?[] { "u1", "u1", "u1", "u1", "u1", "u1", "u1", "u2" },
            new[] { 1, 2, 3, 0, 0, 1, 2, 1 },
            new string?[] { "t1", "t3", "t4", "t2", "t3", "t1", "t2", "t2" },
        ]);
        var kernel = new PlaylistMetricsKernel(["discover_weekly", "popularity_baseline"]);

        var output = ArrowColumns.Columns(kernel.Apply(rows, Tracks()), kernel.OutputSchema);

        Assert.Multiple(() =>
        {
            Assert.That(output[0], Is.EqualTo(new[] { "discover_weekly", "popularity_baseline", "discover_weekly", "popularity_baseline" }));
            Assert.That(output[1], Is.EqualTo(new[] { "u1", "u1", "u2", "u2" }));
            Assert.That(output[2], Is.EqualTo(new[] { 3, 2, 1, 0 }), "tracks");
            Assert.That(output[3], Is.EqualTo(new[] { 1, 1, 0, 0 }), "hits: t3 of u1's list, t2 of its baseline");
            Assert.That(output[4], Is.EqualTo(new[] { true, true, false, false }), "active: u1 played something");
            Assert.That(output[5], Is.EqualTo(new[] { true, true, false, false }), "pairs");
            // u1's list: (t1,t3) = 1, (t1,t4) = 2, (t3,t4) = 1 → 4 / 3; its baseline t1, t2 point the same way → 0.
            Assert.That((double[])output[6], Is.EqualTo(new[] { 4 / 3.0, 0, 0, 0 }).Within(1e-6));
            Assert.That(output[7], Is.EqualTo(new[] { 3, 1, 1, 0 }), "distinct artists");
            Assert.That(output[8], Is.EqualTo(new[] { 1 + 3 + 4L, 1 + 2L, 2L, 0L }), "rank sums");
        });
    }

    [Test]
    public void A_kind_the_kernel_does_not_measure_is_an_error_naming_the_user()
    {
        var rows = ArrowColumns.Batch(RowColumns, 1, [new string?[] { "daily_mix" }, new string?[] { "u9" }, new[] { 1 }, new string?[] { "t1" }]);

        var e = Assert.Throws<InvalidDataException>(() => new PlaylistMetricsKernel(["discover_weekly"]).Apply(rows, Tracks()))!;

        Assert.That(e.Message, Does.Contain("'u9'").And.Contain("'daily_mix'"));
    }
}
