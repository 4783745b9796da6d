using Apache.Arrow;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;
using BatchJobs.Jobs.PlaylistEvaluation;

namespace BatchJobs.Jobs.Tests.PlaylistEvaluation;

public class PopularityBaselineKernelTests
{
    private static readonly ColumnSpec[] PopularityColumns =
        [new("track_id", ColumnType.String, false), new("artist_id", ColumnType.String, false), new("popularity_rank", ColumnType.Int32, false)];

    private static readonly ColumnSpec[] UserColumns =
    [
        new("user_id", ColumnType.String, false), new("playlist_length", ColumnType.Int32, false), new("max_per_artist", ColumnType.Int32, false),
        new("played_track_id", ColumnType.String, true),
    ];

    /// <summary>Five tracks, given out of rank order: t1..t3 by artist a, t4 by b, t5 by c; ranks t1 (1) .. t5 (5).</summary>
    internal static SideInputs Popularity() => new(new Dictionary<string, RecordBatch>
    {
        ["track_popularity"] = ArrowColumns.Batch(PopularityColumns, 5,
            [new string?[] { "t5", "t3", "t1", "t4", "t2" }, new string?[] { "c", "a", "a", "b", "a" }, new[] { 5, 3, 1, 4, 2 }]),
    });

    [Test]
    public void Each_user_gets_the_most_played_unplayed_tracks_under_the_artist_cap_when_a_group_holds_several_users()
    {
        // u1 played t4 (and a track the model does not know), so after t1, t2 (artist a twice) it gets t5;
        // u2 has no history and a playlist of two; u3 may take one track per artist.
        var rows = ArrowColumns.Batch(UserColumns, 5,
        [
            new string?[] { "u1", "u1", "u2", "u3", "u3" }, new[] { 3, 3, 2, 3, 3 }, new[] { 2, 2, 2, 1, 1 },
            new string?[] { "t4", "t-unknown", null, "t1", "t2" },
        ]);

        var output = new PopularityBaselineKernel().Apply(rows, Popularity());

        Assert.That(ArrowColumns.Columns(output, new PopularityBaselineKernel().OutputSchema), Is.EqualTo(new System.Array[]
        {
            new string?[] { "u1", "u1", "u1", "u2", "u2", "u3", "u3", "u3" },
            new[] { 1, 2, 3, 1, 2, 1, 2, 3 },
            new string?[] { "t1", "t2", "t5", "t1", "t2", "t3", "t4", "t5" },
        }), "u3 played t1 and t2, so its one track of a is t3");
    }

    [Test]
    public void A_baseline_is_shorter_than_the_playlist_when_the_caps_leave_too_few_tracks()
    {
        var rows = ArrowColumns.Batch(UserColumns, 1, [new string?[] { "u1" }, new[] { 5 }, new[] { 1 }, new string?[] { null }]);

        var output = new PopularityBaselineKernel().Apply(rows, Popularity());

        Assert.That(output.Strings("track_id"), Is.EqualTo(new[] { "t1", "t4", "t5" }), "one track each of a, b and c");
    }
}
