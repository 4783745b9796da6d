using System.Text.Json.Nodes;
using Apache.Arrow;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Plans;
using BatchJobs.Embeddings.Als;
using Array = System.Array;

namespace BatchJobs.Jobs.Embeddings;

/// <summary>
/// Implicit-feedback ALS over one group holding every interaction (user_index, track_index, affinity): user and track
/// factors, and each artist's vector as the affinity-weighted mean of its tracks' (<see cref="ArtistVectors"/>).
/// Output rows: kind (<c>user</c>, <c>track</c> or <c>artist</c>), row_index, tracks (an artist's track count, else 0)
/// and vector. The side input <see cref="TrackIndex"/> numbers the tracks and their artists.
/// </summary>
/// <remarks>
/// The model needs all interactions at once, so its stage has one key; on a cluster, MLlib's ALS takes its place.
/// The iteration times and loss curve of the last training are kept in <see cref="Metrics"/> for the manifests.
/// </remarks>
public sealed class ImplicitAlsKernel(ImplicitAlsOptions options) : IGroupKernel
{
    /// <summary>The side input that numbers tracks and artists (the <c>track_index.sql</c> stage).</summary>
    public const string TrackIndex = "track_index";

    public IReadOnlyList<ColumnSpec> OutputSchema { get; } =
    [
        new("kind", ColumnType.String, false), new("row_index", ColumnType.Int32, false), new("tracks", ColumnType.Int32, false),
        new("vector", ColumnType.FloatList, false),
    ];

    /// <summary>Hyper-parameters, sizes, iteration seconds and loss curve of the last <see cref="Apply"/>.</summary>
    public JsonObject? Metrics { get; private set; }

    public RecordBatch Apply(RecordBatch rows, SideInputs sideInputs)
    {
        var catalogue = sideInputs.Get(TrackIndex, TrackArtists.From);
        var matrix = InteractionMatrix.From(rows, catalogue.ArtistOfTrack.Length);

        var (model, metrics) = AlsParameters.Train(matrix, options, TextWriter.Null, CancellationToken.None);
        Metrics = metrics;
        var trackWeights = new float[matrix.Columns];
        for (var i = 0; i < matrix.NonZeros; i++) trackWeights[matrix.ColumnIndices[i]] += matrix.Values[i];
        var factors = options.Factors;
        var artistVectors = new float[catalogue.ArtistCount * factors];
        var artistTracks = new int[catalogue.ArtistCount];
        ArtistVectors.WeightedMean(Dense(model.ItemFactors), catalogue.ArtistOfTrack, trackWeights, catalogue.ArtistCount, factors, artistVectors, artistTracks);

        var total = model.UserFactors.Rows + model.ItemFactors.Rows + catalogue.ArtistCount;
        var kinds = new string?[total];
        var indices = new int[total];
        var tracks = new int[total];
        var vectors = new float[total][];
        var next = WriteFactors(model, kinds, indices, vectors);
        for (var a = 0; a < catalogue.ArtistCount; a++, next++)
            (kinds[next], indices[next], tracks[next], vectors[next]) = ("artist", a, artistTracks[a], artistVectors.AsSpan(a * factors, factors).ToArray());
        return ArrowColumns.Batch(OutputSchema, total, [kinds, indices, tracks, vectors]);
    }

    /// <summary>
    /// Writes the model's user rows (kind <c>user</c>) and then its track rows (kind <c>track</c>) from the start of the
    /// arrays, and returns how many it wrote.
    /// </summary>
    internal static int WriteFactors(ImplicitAlsModel model, string?[] kinds, int[] indices, float[][] vectors)
    {
        var next = 0;
        for (var u = 0; u < model.UserFactors.Rows; u++, next++) (kinds[next], indices[next], vectors[next]) = ("user", u, model.UserFactors.Row(u).ToArray());
        for (var t = 0; t < model.ItemFactors.Rows; t++, next++) (kinds[next], indices[next], vectors[next]) = ("track", t, model.ItemFactors.Row(t).ToArray());
        return next;
    }

    private static float[] Dense(FactorMatrix factors)
    {
        var dense = new float[factors.Rows * factors.Factors];
        for (var r = 0; r < factors.Rows; r++) factors.Row(r).CopyTo(dense.AsSpan(r * factors.Factors));
        return dense;
    }

    /// <summary>The artist number of every track number, from <c>track_index</c>.</summary>
    private sealed class TrackArtists
    {
        public required int[] ArtistOfTrack { get; init; }
        public required int ArtistCount { get; init; }

        public static TrackArtists From(RecordBatch batch)
        {
            var tracks = batch.Int32s("track_index");
            var artists = (Int32Array)batch.Column(batch.Schema.GetFieldIndex("artist_index"));
            var ids = batch.Strings("track_id");
            var artistOf = new int[batch.Length];
            var count = 0;
            for (var i = 0; i < batch.Length; i++)
            {
                artistOf[tracks[i]] = artists.GetValue(i)
                    ?? throw new BadInputException($"user_track_affinity names track '{ids[i]}', which the day's tracks catalogue does not hold; publish the catalogue that has it, or re-run the affinity");
                count = Math.Max(count, artistOf[tracks[i]] + 1);
            }
            return new TrackArtists { ArtistOfTrack = artistOf, ArtistCount = count };
        }
    }
}
