using System.Numerics.Tensors;
using Apache.Arrow;
using BatchJobs.Core.Plans;

namespace BatchJobs.Jobs.Clustering;

/// <summary>
/// The published taste clusters for consumers: the cluster of every track (by track embedding row), the tracks of each
/// cluster, each cluster's leading genre and label, and for each cluster the other clusters nearest to it.
/// </summary>
public sealed class TasteClusterTable
{
    private readonly int[][] members;
    private readonly int[][] neighbours;

    public TasteClusterTable(int[] clusterOfTrack, string[] genres, string[] labels, float[] centroids, int factors)
    {
        ClusterOfTrack = clusterOfTrack;
        Genres = genres;
        Labels = labels;
        var count = genres.Length;
        var lists = Enumerable.Range(0, count).Select(_ => new List<int>()).ToArray();
        for (var t = 0; t < clusterOfTrack.Length; t++)
            if (clusterOfTrack[t] >= 0) lists[clusterOfTrack[t]].Add(t);
        members = lists.Select(l => l.ToArray()).ToArray();
        neighbours = new int[count][];
        for (var c = 0; c < count; c++)
        {
            var centroid = centroids.AsSpan(c * factors, factors);
            var similarity = new float[count];
            for (var o = 0; o < count; o++) similarity[o] = TensorPrimitives.CosineSimilarity(centroid, centroids.AsSpan(o * factors, factors));
            neighbours[c] = Enumerable.Range(0, count).Where(o => o != c).OrderByDescending(o => similarity[o]).ThenBy(o => o).ToArray();
        }
    }

    /// <summary>The cluster of each track embedding row, or -1 when the track has none.</summary>
    public int[] ClusterOfTrack { get; }

    public string[] Genres { get; }

    public string[] Labels { get; }

    public int ClusterCount => Genres.Length;

    /// <summary>The track rows of a cluster, in row order.</summary>
    public ReadOnlySpan<int> TracksOf(int cluster) => members[cluster];

    /// <summary>The other clusters, nearest centroid (cosine) first.</summary>
    public ReadOnlySpan<int> NeighboursOf(int cluster) => neighbours[cluster];

    /// <summary>
    /// <c>taste_clusters</c> and <c>track_clusters</c> given as rows (a kernel's side inputs, in any order), tracks mapped
    /// through the embeddings' index (tracks it does not know are left out).
    /// </summary>
    public static TasteClusterTable FromRows(RecordBatch clusterRows, RecordBatch trackClusterRows, IReadOnlyDictionary<string, int> trackIndex)
    {
        var ids = clusterRows.Int32s("cluster_id");
        var labelOf = clusterRows.Strings("label");
        var genreOf = clusterRows.Strings("leading_genre");
        var centroidOf = clusterRows.FloatMatrix("centroid", out var width);
        var factors = Math.Max(width, 1);
        var count = ids.Length == 0 ? 0 : ids.ToArray().Max() + 1;
        var genres = Enumerable.Repeat("unknown", count).ToArray();
        var labels = Enumerable.Repeat("", count).ToArray();
        var centroids = new float[count * factors];
        for (var r = 0; r < ids.Length; r++)
        {
            labels[ids[r]] = labelOf[r];
            genres[ids[r]] = genreOf[r];
            centroidOf.AsSpan(r * width, width).CopyTo(centroids.AsSpan(ids[r] * factors, factors));
        }
        var clusterOfTrack = new int[trackIndex.Count];
        clusterOfTrack.AsSpan().Fill(-1);
        var tracks = trackClusterRows.Strings("track_id");
        var clusterOf = trackClusterRows.Int32s("cluster_id");
        for (var r = 0; r < tracks.Length; r++)
            if (trackIndex.TryGetValue(tracks[r], out var track)) clusterOfTrack[track] = clusterOf[r];
        return new TasteClusterTable(clusterOfTrack, genres, labels, centroids, factors);
    }
}
