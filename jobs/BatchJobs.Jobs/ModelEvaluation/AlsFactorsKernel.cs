using Apache.Arrow;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;
using BatchJobs.Embeddings.Als;
using BatchJobs.Jobs.Embeddings;

namespace BatchJobs.Jobs.ModelEvaluation;

/// <summary>
/// Implicit-feedback ALS over one group holding every interaction (user_index, track_index, affinity), trained as
/// train-embeddings' <see cref="ImplicitAlsKernel"/> trains it (<see cref="InteractionMatrix"/>, the same options), but
/// without the artist vectors the evaluation does not need. Output rows: kind (<c>user</c> or <c>track</c>), row_index
/// and vector.
/// </summary>
/// <remarks>
/// The model needs all interactions at once, so its stage has one key. Every track of the model has an interaction
/// row (zero affinities included), so the highest track_index numbers the columns.
/// </remarks>
public sealed class AlsFactorsKernel(ImplicitAlsOptions options) : IGroupKernel
{
    public IReadOnlyList<ColumnSpec> OutputSchema { get; } =
        [new("kind", ColumnType.String, false), new("row_index", ColumnType.Int32, false), new("vector", ColumnType.FloatList, false)];

    public RecordBatch Apply(RecordBatch rows, SideInputs sideInputs)
    {
        var tracks = 0;
        foreach (var t in rows.Int32s("track_index")) tracks = Math.Max(tracks, t + 1);
        var (model, _) = AlsParameters.Train(InteractionMatrix.From(rows, tracks), options, TextWriter.Null, CancellationToken.None);

        var total = model.UserFactors.Rows + model.ItemFactors.Rows;
        var kinds = new string?[total];
        var indices = new int[total];
        var vectors = new float[total][];
        ImplicitAlsKernel.WriteFactors(model, kinds, indices, vectors);
        return ArrowColumns.Batch(OutputSchema, total, [kinds, indices, vectors]);
    }
}
