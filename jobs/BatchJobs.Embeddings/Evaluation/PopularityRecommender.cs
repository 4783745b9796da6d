using BatchJobs.Embeddings.Sparse;

namespace BatchJobs.Embeddings.Evaluation;

/// <summary>
/// The baseline every personalised model must beat: recommends the items with the most training users,
/// skipping each user's own training items.
/// </summary>
public static class PopularityRecommender
{
    /// <summary>Top-k lists by training popularity (number of users; ties to the lower item index).</summary>
    /// <param name="train">Training interactions, users x items.</param>
    /// <param name="k">List length.</param>
    public static TopKRecommendations Recommend(CsrMatrix train, int k)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);

        var popularity = new int[train.Columns];
        foreach (var item in train.ColumnIndices) popularity[item]++;
        var ranking = new int[train.Columns];
        for (var item = 0; item < ranking.Length; item++) ranking[item] = item;
        Array.Sort(ranking, (a, b) => popularity[a] != popularity[b] ? popularity[b].CompareTo(popularity[a]) : a.CompareTo(b));

        var result = new TopKRecommendations(train.Rows, k);
        for (var user = 0; user < train.Rows; user++)
        {
            var seen = train.RowIndices(user);
            var list = result.Row(user);
            var filled = 0;
            for (var n = 0; n < ranking.Length && filled < k; n++)
            {
                if (seen.BinarySearch(ranking[n]) < 0) list[filled++] = ranking[n];
            }
        }
        return result;
    }
}
