using Apache.Arrow;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;

namespace BatchJobs.Jobs.Clustering;

/// <summary>
/// k-means over one group holding every track vector (<see cref="KMeansClustering"/>), each cluster labelled by its
/// leading genre and top artists (<see cref="ClusterLabels"/>). One output relation for both datasets: a row of kind
/// <c>track</c> per track (its cluster and distance) and a row of kind <c>cluster</c> per cluster (label, genre share,
/// top artists, size, centroid); every row also carries the cluster count asked for and the vector dimension.
/// </summary>
/// <remarks>Side inputs: <c>tracks</c> (track_id, genre) and <c>artists</c> (artist_id, name) of the day.</remarks>
public sealed class TasteClusterKernel(int tracksPerCluster, int minClusters, int maxClusters, int maxIterations, int seed, int topArtists) : IGroupKernel
{
    public IReadOnlyList<ColumnSpec> OutputSchema { get; } =
    [
        new("kind", ColumnType.String, false), new("track_id", ColumnType.String, true), new("artist_id", ColumnType.String, true),
        new("cluster_id", ColumnType.Int32, false), new("distance", ColumnType.Float, false), new("label", ColumnType.String, true),
        new("leading_genre", ColumnType.String, true), new("genre_share", ColumnType.Double, false), new("top_artist_ids", ColumnType.String, true),
        new("tracks", ColumnType.Int32, false), new("centroid", ColumnType.FloatList, false), new("clusters_requested", ColumnType.Int32, false),
        new("factors", ColumnType.Int32, false),
    ];

    public RecordBatch Apply(RecordBatch rows, SideInputs sideInputs)
    {
        var genreOf = sideInputs.Get("tracks", batch => Pairs(batch, "track_id", "genre"));
        var nameOf = sideInputs.Get("artists", batch => Pairs(batch, "artist_id", "name"));
        var trackIds = rows.Strings("track_id");
        var artistIds = rows.Strings("artist_id");
        var vectors = rows.FloatMatrix("vector", out var factors);

        var requested = KMeansClustering.ClusterCountFor(trackIds.Length, tracksPerCluster, minClusters, maxClusters);
        var fitted = KMeansClustering.Fit(vectors, factors, requested, maxIterations, seed);
        var genres = trackIds.Select(t => genreOf.TryGetValue(t, out var g) ? g
            : throw new Core.Jobs.BadInputException($"track_embeddings names track '{t}', which the day's tracks catalogue does not hold; republish the catalogue")).ToArray();
        var labels = ClusterLabels.Label(fitted.Assignments, genres, artistIds, nameOf, fitted.ClusterCount, topArtists);

        var total = trackIds.Length + labels.Count;
        var columns = OutputSchema.Select(c => (System.Array)(c.Type switch
        {
            ColumnType.String => new string?[total],
            ColumnType.Int32 => new int[total],
            ColumnType.Float => new float[total],
            ColumnType.Double => new double[total],
            _ => Enumerable.Repeat(System.Array.Empty<float>(), total).ToArray(),
        })).ToArray();
        var (kind, track, artist, cluster, distance, label, genre, share, top, size, centroid, asked, width) =
            ((string?[])columns[0], (string?[])columns[1], (string?[])columns[2], (int[])columns[3], (float[])columns[4], (string?[])columns[5],
             (string?[])columns[6], (double[])columns[7], (string?[])columns[8], (int[])columns[9], (float[][])columns[10], (int[])columns[11], (int[])columns[12]);
        for (var t = 0; t < trackIds.Length; t++)
            (kind[t], track[t], artist[t], cluster[t], distance[t]) = ("track", trackIds[t], artistIds[t], fitted.Assignments[t], fitted.Distances[t]);
        for (var i = 0; i < labels.Count; i++)
        {
            var r = trackIds.Length + i;
            var l = labels[i];
            (kind[r], cluster[r], label[r], genre[r], share[r], top[r], size[r]) = ("cluster", l.ClusterId, l.Label, l.LeadingGenre, l.GenreShare, string.Join(';', l.TopArtistIds), l.Tracks);
            centroid[r] = fitted.Centroids.AsSpan(l.ClusterId * fitted.Factors, fitted.Factors).ToArray();
        }
        System.Array.Fill(asked, requested);
        System.Array.Fill(width, fitted.Factors);
        return ArrowColumns.Batch(OutputSchema, total, columns);
    }

    private static Dictionary<string, string> Pairs(RecordBatch batch, string key, string value)
    {
        var keys = batch.Strings(key);
        var values = batch.Strings(value);
        var pairs = new Dictionary<string, string>(keys.Length, StringComparer.Ordinal);
        for (var i = 0; i < keys.Length; i++) pairs[keys[i]] = values[i];
        return pairs;
    }
}
