using BatchJobs.Jobs.Clustering;
using BatchJobs.Jobs.Similarity;

namespace BatchJobs.Jobs.Playlists;

/// <summary>
/// The track vectors copied cluster after cluster, in the order of <see cref="TasteClusterTable.TracksOf"/>, so that
/// scoring a user against a whole cluster reads one contiguous block instead of rows scattered over the catalogue
/// (at 50,000 tracks a cluster's rows each cost a cache miss; its block streams from memory).
/// </summary>
public sealed class ClusterTrackVectors
{
    private readonly float[][] vectors;
    private readonly int factors;

    public ClusterTrackVectors(EmbeddingTable tracks, TasteClusterTable clusters)
    {
        factors = tracks.Factors;
        vectors = new float[clusters.ClusterCount][];
        for (var c = 0; c < clusters.ClusterCount; c++)
        {
            var members = clusters.TracksOf(c);
            var block = new float[members.Length * factors];
            for (var i = 0; i < members.Length; i++) tracks.Row(members[i]).CopyTo(block.AsSpan(i * factors, factors));
            vectors[c] = block;
        }
    }

    /// <summary>The vector of the <paramref name="index"/>-th track of <paramref name="cluster"/> (as listed by <see cref="TasteClusterTable.TracksOf"/>).</summary>
    public ReadOnlySpan<float> Row(int cluster, int index) => vectors[cluster].AsSpan(index * factors, factors);
}
