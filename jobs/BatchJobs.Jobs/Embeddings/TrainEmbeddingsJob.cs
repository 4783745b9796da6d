using BatchJobs.Core.Jobs;
using BatchJobs.Core.Snapshots;
using BatchJobs.Core.Tables;
using BatchJobs.Embeddings.Als;

namespace BatchJobs.Jobs.Embeddings;

/// <summary>
/// <c>train-embeddings</c> → <c>user_embeddings</c>, <c>track_embeddings</c>, <c>artist_embeddings</c> (daily):
/// implicit-feedback ALS over the day's <c>user_track_affinity</c>, with each artist's vector the affinity-weighted
/// mean of its tracks'. One training run publishes all three together, its hyper-parameters, iteration times and
/// loss curve in the manifests. Consumers: similar tracks and artists, taste clusters, playlists, serving.
/// </summary>
public sealed class TrainEmbeddingsJob : IJob
{
    public string Name => "train-embeddings";

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        // Inputs
        var affinity = await AffinityMatrix.ReadAsync(context.InputFiles("user_track_affinity"), cancellationToken);
        var artistOf = await ReadTrackArtistsAsync(context.InputFiles("tracks"), cancellationToken);
        var options = AlsParameters.From(context);

        // Transform
        var (model, metrics) = AlsParameters.Train(affinity.UserItems, options, context.Log, cancellationToken);
        metrics["model_version"] = "als-" + context.RunId;
        var artistIds = affinity.TrackIds.Select(t => artistOf.TryGetValue(t, out var a) ? a
            : throw new BadInputException($"user_track_affinity names track '{t}', which the tracks catalogue of {context.Date:yyyy-MM-dd} does not hold")).ToArray();
        var artists = artistIds.Distinct().Order(StringComparer.Ordinal).ToArray();
        var artistIndex = artists.Select((a, i) => (a, i)).ToDictionary(p => p.a, p => p.i, StringComparer.Ordinal);
        var trackWeights = new float[affinity.TrackIds.Length];
        var matrix = affinity.UserItems;
        for (var i = 0; i < matrix.NonZeros; i++) trackWeights[matrix.ColumnIndices[i]] += matrix.Values[i];
        var factors = options.Factors;
        var artistVectors = new float[artists.Length * factors];
        var artistTracks = new int[artists.Length];
        ArtistVectors.WeightedMean(Dense(model.ItemFactors), artistIds.Select(a => artistIndex[a]).ToArray(), trackWeights, artists.Length, factors, artistVectors, artistTracks);

        // Outputs
        var users = context.Stage("user_embeddings");
        await WriteAsync(users, [affinity.UserIds, Rows(model.UserFactors)], cancellationToken);
        var tracks = context.Stage("track_embeddings");
        await WriteAsync(tracks, [affinity.TrackIds, artistIds, Rows(model.ItemFactors)], cancellationToken);
        var artistSnapshot = context.Stage("artist_embeddings");
        await WriteAsync(artistSnapshot, [artists, artistTracks, Enumerable.Range(0, artists.Length).Select(a => artistVectors.AsSpan(a * factors, factors).ToArray()).ToArray()], cancellationToken);
        foreach (var staged in new[] { users, tracks, artistSnapshot })
        {
            staged.Statistics["factors"] = factors;
            staged.Metrics = (System.Text.Json.Nodes.JsonObject)metrics.DeepClone();
        }
        await context.PublishAsync([users, tracks, artistSnapshot], cancellationToken);
    }

    private static float[][] Rows(FactorMatrix factors) => Enumerable.Range(0, factors.Rows).Select(r => factors.Row(r).ToArray()).ToArray();

    private static float[] Dense(FactorMatrix factors)
    {
        var dense = new float[factors.Rows * factors.Factors];
        for (var r = 0; r < factors.Rows; r++) factors.Row(r).CopyTo(dense.AsSpan(r * factors.Factors));
        return dense;
    }

    private static async Task WriteAsync(StagedSnapshot staged, Array[] columns, CancellationToken cancellationToken)
    {
        await using var writer = await ParquetTableWriter.CreateAsync(staged.FilePath("part-00000.parquet"), staged.Contract.Schema, cancellationToken);
        await writer.WriteRowGroupAsync(columns[0].Length, columns, cancellationToken);
    }

    internal static async Task<Dictionary<string, string>> ReadTrackArtistsAsync(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var artists = new Dictionary<string, string>(StringComparer.Ordinal);
        await ParquetStringColumns.ForEachRowGroupAsync(files, ["track_id", "artist_id"], (columns, rows) =>
        {
            for (var i = 0; i < rows; i++) artists[columns[0][i]!] = columns[1][i]!;
        }, cancellationToken);
        return artists;
    }
}
