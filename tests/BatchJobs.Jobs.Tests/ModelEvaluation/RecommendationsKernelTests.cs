using Apache.Arrow;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;
using BatchJobs.Jobs.ModelEvaluation;
using Array = System.Array;

namespace BatchJobs.Jobs.Tests.ModelEvaluation;

public class RecommendationsKernelTests
{
    private static readonly ColumnSpec[] HistoryColumns =
        [new("user_index", ColumnType.Int32, false), new("track_index", ColumnType.Int32, false), new("vector", ColumnType.FloatList, false)];

    /// <summary>
    /// Four tracks on the first axis, given out of order: scores against (1, 0) are 1, 2, 1, 2, so tracks 0 and 2 tie,
    /// as do 1 and 3. Popularity ranks track 3 first, then 0, 2, 1.
    /// </summary>
    private static SideInputs Tracks() => new(new Dictionary<string, RecordBatch>
    {
        [RecommendationsKernel.TrackFactors] = ArrowColumns.Batch(
            [new("track_index", ColumnType.Int32, false), new("vector", ColumnType.FloatList, false)], 4,
            [new[] { 2, 0, 3, 1 }, new[] { new[] { 1f, 0f }, [1f, 0f], [2f, 0f], [2f, 0f] }]),
        [RecommendationsKernel.TrackPopularity] = ArrowColumns.Batch(
            [new("track_index", ColumnType.Int32, false), new("popularity_rank", ColumnType.Int32, false)], 4,
            [new[] { 1, 2, 3, 0 }, new[] { 4, 3, 1, 2 }]),
    });

    private static Array[] Lists(RecommendationsKernel kernel, RecordBatch rows) => ArrowColumns.Columns(kernel.Apply(rows, Tracks()), kernel.OutputSchema);

    [Test]
    public void Equal_scores_go_to_the_lower_track_and_a_list_is_short_when_the_history_leaves_too_few_tracks()
    {
        // The example ExhaustiveTopKRecommender's tests hold as their oracle: track 3 played, so 1, then 0 before 2.
        var rows = ArrowColumns.Batch(HistoryColumns, 1, [new[] { 5 }, new[] { 3 }, new[] { new[] { 1f, 0f } }]);

        var lists = Lists(new RecommendationsKernel(5), rows);

        Assert.That(lists, Is.EqualTo(new Array[]
        {
            new string?[] { "als", "als", "als", "popularity", "popularity", "popularity" }, new[] { 5, 5, 5, 5, 5, 5 },
            new[] { 1, 2, 3, 1, 2, 3 }, new[] { 1, 0, 2, 0, 2, 1 },
        }));
    }

    [Test]
    public void Each_user_of_a_group_gets_its_own_top_k_without_its_history()
    {
        // User 1 points along the second axis, where every track scores 0: the tie puts the unplayed tracks in index order.
        var rows = ArrowColumns.Batch(HistoryColumns, 3,
            [new[] { 0, 0, 1 }, new[] { 1, 3, 0 }, new[] { new[] { 1f, 0f }, [1f, 0f], [0f, 1f] }]);

        var lists = Lists(new RecommendationsKernel(2), rows);

        Assert.That(lists, Is.EqualTo(new Array[]
        {
            new string?[] { "als", "als", "popularity", "popularity", "als", "als", "popularity", "popularity" },
            new[] { 0, 0, 0, 0, 1, 1, 1, 1 }, new[] { 1, 2, 1, 2, 1, 2, 1, 2 }, new[] { 0, 2, 0, 2, 1, 2, 3, 2 },
        }), "user 0 played 1 and 3; user 1 played 0");
    }
}
