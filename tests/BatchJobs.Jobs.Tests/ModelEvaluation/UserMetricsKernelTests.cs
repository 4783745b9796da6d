using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;
using BatchJobs.Jobs.ModelEvaluation;

namespace BatchJobs.Jobs.Tests.ModelEvaluation;

public class UserMetricsKernelTests
{
    private static readonly ColumnSpec[] RowColumns =
    [
        new("kind", ColumnType.String, false), new("user_index", ColumnType.Int32, false), new("position", ColumnType.Int32, false),
        new("track_index", ColumnType.Int32, false),
    ];

    private static readonly UserMetricsKernel Kernel = new(["als", "popularity"], 2);

    [Test]
    public void Each_model_of_a_user_is_scored_against_the_users_test_pairs_and_a_user_without_them_is_skipped()
    {
        // User 0: als lists 4 then 9, popularity 9 then 7; its test pairs are 4 and 8. User 1 has lists but no test pair.
        var rows = ArrowColumns.Batch(RowColumns, 8,
        [
            new string?[] { "als", "als", "popularity", "popularity", "test", "test", "als", "popularity" },
            new[] { 0, 0, 0, 0, 0, 0, 1, 1 }, new[] { 1, 2, 1, 2, 0, 0, 1, 1 }, new[] { 4, 9, 9, 7, 4, 8, 4, 4 },
        ]);

        var output = ArrowColumns.Columns(Kernel.Apply(rows, new SideInputs(new Dictionary<string, Apache.Arrow.RecordBatch>())), Kernel.OutputSchema);

        Assert.That(output[0], Is.EqualTo(new[] { "als", "popularity" }));
        Assert.That(output[1], Is.EqualTo(new[] { 0, 0 }));
        Assert.That(output[2], Is.EqualTo(new[] { 0.5, 0.0 }), "precision@2");
        Assert.That(output[3], Is.EqualTo(new[] { 0.5, 0.0 }), "recall@2");
        Assert.That(output[4], Is.EqualTo(new[] { 0.5, 0.0 }), "AP@2: a hit at rank 1, over min(2, 2)");
        Assert.That(output[5], Is.EqualTo(new[] { 1 / (1 + 1 / Math.Log2(3)), 0.0 }), "NDCG@2: 1 over the ideal 1 + 1/log2(3)");
    }

    [Test]
    public void A_model_without_rows_for_a_user_is_scored_on_an_empty_list()
    {
        var rows = ArrowColumns.Batch(RowColumns, 2, [new string?[] { "als", "test" }, new[] { 3, 3 }, new[] { 1, 0 }, new[] { 6, 6 }]);

        var output = ArrowColumns.Columns(Kernel.Apply(rows, new SideInputs(new Dictionary<string, Apache.Arrow.RecordBatch>())), Kernel.OutputSchema);

        Assert.That(output[0], Is.EqualTo(new[] { "als", "popularity" }));
        Assert.That(output[5], Is.EqualTo(new[] { 1.0, 0.0 }));
    }
}
