using Apache.Arrow;
using BatchJobs.Core.Plans;
using BatchJobs.Embeddings.Sparse;

namespace BatchJobs.Jobs.Embeddings;

/// <summary>The rows of <c>interactions.sql</c> as the users x tracks matrix ALS trains on.</summary>
public static class InteractionMatrix
{
    /// <summary>
    /// Builds the matrix from rows of (user_index, track_index, affinity) in any order: as many rows as the highest user
    /// index plus one, <paramref name="tracks"/> columns, the positive affinities stored.
    /// </summary>
    /// <remarks>Zero affinities only register their user and track: ALS stores the positive ones.</remarks>
    public static CsrMatrix From(RecordBatch rows, int tracks)
    {
        var userIndices = rows.Int32s("user_index");
        var trackIndices = rows.Int32s("track_index");
        var affinities = rows.Floats("affinity");
        var users = 0;
        foreach (var u in userIndices) users = Math.Max(users, u + 1);

        var positive = 0;
        foreach (var a in affinities) if (a > 0) positive++;
        var (r, c, v) = (new int[positive], new int[positive], new float[positive]);
        for (int i = 0, kept = 0; i < affinities.Length; i++)
            if (affinities[i] > 0) (r[kept], c[kept], v[kept++]) = (userIndices[i], trackIndices[i], affinities[i]);
        return CsrMatrix.FromTriples(users, tracks, r, c, v);
    }
}
