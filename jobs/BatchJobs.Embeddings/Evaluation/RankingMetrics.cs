namespace BatchJobs.Embeddings.Evaluation;

/// <summary>
/// Ranking quality of one recommendation list against one user's relevant (held-out) items, at cut-off k.
/// </summary>
/// <remarks>
/// <c>recommended</c> is best first and may contain -1 padding (never relevant); only its first k entries
/// count. <c>relevant</c> must be sorted ascending without duplicates (a CSR row is) and non-empty. Gains are
/// binary. All functions return values in [0, 1].
/// </remarks>
public static class RankingMetrics
{
    /// <summary>Precision@k: relevant items among the first k, divided by k.</summary>
    public static double Precision(ReadOnlySpan<int> recommended, ReadOnlySpan<int> relevant, int k) =>
        Hits(recommended, relevant, k) / (double)k;

    /// <summary>Recall@k: relevant items among the first k, divided by the number of relevant items.</summary>
    public static double Recall(ReadOnlySpan<int> recommended, ReadOnlySpan<int> relevant, int k)
    {
        Check(relevant, k);
        return Hits(recommended, relevant, k) / (double)relevant.Length;
    }

    /// <summary>AP@k: the mean of precision@(rank) over the ranks of relevant hits, divided by
    /// min(k, number of relevant items) so a perfect list scores 1.</summary>
    public static double AveragePrecision(ReadOnlySpan<int> recommended, ReadOnlySpan<int> relevant, int k)
    {
        Check(relevant, k);
        var limit = Math.Min(k, recommended.Length);
        double hits = 0, sum = 0;
        for (var rank = 0; rank < limit; rank++)
        {
            if (!IsRelevant(recommended[rank], relevant)) continue;
            hits++;
            sum += hits / (rank + 1);
        }
        return sum / Math.Min(k, relevant.Length);
    }

    /// <summary>NDCG@k with binary gains: sum over hits of 1 / log2(rank + 2), divided by the same sum for an
    /// ideal list (min(k, number of relevant items) hits at the top).</summary>
    public static double Ndcg(ReadOnlySpan<int> recommended, ReadOnlySpan<int> relevant, int k)
    {
        Check(relevant, k);
        var limit = Math.Min(k, recommended.Length);
        double dcg = 0, ideal = 0;
        for (var rank = 0; rank < limit; rank++)
        {
            if (IsRelevant(recommended[rank], relevant)) dcg += 1.0 / Math.Log2(rank + 2);
        }
        var idealHits = Math.Min(k, relevant.Length);
        for (var rank = 0; rank < idealHits; rank++) ideal += 1.0 / Math.Log2(rank + 2);
        return dcg / ideal;
    }

    private static int Hits(ReadOnlySpan<int> recommended, ReadOnlySpan<int> relevant, int k)
    {
        Check(relevant, k);
        var limit = Math.Min(k, recommended.Length);
        var hits = 0;
        for (var rank = 0; rank < limit; rank++)
        {
            if (IsRelevant(recommended[rank], relevant)) hits++;
        }
        return hits;
    }

    private static bool IsRelevant(int item, ReadOnlySpan<int> relevant) => item >= 0 && relevant.BinarySearch(item) >= 0;

    private static void Check(ReadOnlySpan<int> relevant, int k)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), $"k must be at least 1; got {k}.");
        if (relevant.IsEmpty) throw new ArgumentException("A user without relevant items has no ranking metrics; skip such users.", nameof(relevant));
    }
}
