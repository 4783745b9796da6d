using Apache.Arrow;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;
using BatchJobs.Embeddings.Als;
using BatchJobs.Jobs.Embeddings;
using BatchJobs.Jobs.ModelEvaluation;

namespace BatchJobs.Jobs.Tests.ModelEvaluation;

public class AlsFactorsKernelTests
{
    private static readonly ImplicitAlsOptions Options = new() { Factors = 4, Iterations = 3, Seed = 7 };

    private static readonly ColumnSpec[] InteractionColumns =
    [
        new("model", ColumnType.Int32, false), new("user_index", ColumnType.Int32, false), new("track_index", ColumnType.Int32, false),
        new("affinity", ColumnType.Float, false),
    ];

    /// <summary>Three users, three tracks, one zero affinity (user 2 and track 2 are known only through it).</summary>
    private static RecordBatch Interactions() => ArrowColumns.Batch(InteractionColumns, 5,
        [new[] { 0, 0, 0, 0, 0 }, new[] { 0, 1, 0, 1, 2 }, new[] { 1, 0, 0, 1, 2 }, new[] { 1f, 2f, 0.5f, 3f, 0f }]);

    [Test]
    public void The_factors_are_those_train_embeddings_trains_on_the_same_interactions()
    {
        var trackIndex = ArrowColumns.Batch(
            [new("track_id", ColumnType.String, false), new("track_index", ColumnType.Int32, false), new("artist_id", ColumnType.String, true), new("artist_index", ColumnType.Int32, true)],
            3, [new string?[] { "t0", "t1", "t2" }, new[] { 0, 1, 2 }, new string?[] { "a", "a", "b" }, new[] { 0, 0, 1 }]);
        var trained = new ImplicitAlsKernel(Options).Apply(Interactions(), new SideInputs(new Dictionary<string, RecordBatch> { [ImplicitAlsKernel.TrackIndex] = trackIndex }));

        var output = new AlsFactorsKernel(Options).Apply(Interactions(), new SideInputs(new Dictionary<string, RecordBatch>()));

        var expected = ArrowColumns.Columns(trained, new AlsFactorsKernel(Options).OutputSchema);
        var kinds = (string?[])expected[0];
        var keep = Enumerable.Range(0, kinds.Length).Where(i => kinds[i] != "artist").ToArray();
        var actual = ArrowColumns.Columns(output, new AlsFactorsKernel(Options).OutputSchema);
        Assert.That(actual[0], Is.EqualTo(keep.Select(i => kinds[i]).ToArray()));
        Assert.That(actual[0], Is.EqualTo(new[] { "user", "user", "user", "track", "track", "track" }), "every user and track, the zero-affinity ones included");
        Assert.That(actual[1], Is.EqualTo(keep.Select(i => ((int[])expected[1])[i]).ToArray()));
        Assert.That(actual[2], Is.EqualTo(keep.Select(i => ((float[][])expected[2])[i]).ToArray()), "bit for bit the same vectors");
    }
}
