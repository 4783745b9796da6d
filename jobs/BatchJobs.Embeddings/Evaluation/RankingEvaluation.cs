using BatchJobs.Embeddings.Sparse;

namespace BatchJobs.Embeddings.Evaluation;

/// <summary>Scores any recommender's lists against held-out interactions.</summary>
public static class RankingEvaluation
{
    /// <summary>
    /// Averages <see cref="RankingMetrics"/> at <see cref="TopKRecommendations.K"/> over the users with at least
    /// one test item; users without test items are skipped.
    /// </summary>
    /// <param name="recommendations">One list per user (rows of <paramref name="test"/>).</param>
    /// <param name="test">Held-out interactions, users x items; the stored values are ignored.</param>
    /// <exception cref="ArgumentException">The user counts differ, or no user has a test item.</exception>
    public static RankingReport Evaluate(TopKRecommendations recommendations, CsrMatrix test)
    {
        ArgumentNullException.ThrowIfNull(recommendations);
        ArgumentNullException.ThrowIfNull(test);
        if (recommendations.Users != test.Rows)
            throw new ArgumentException($"There are lists for {recommendations.Users} users but the test matrix has {test.Rows}; both must index the same users.", nameof(test));

        var k = recommendations.K;
        var recommended = new bool[test.Columns];
        double precision = 0, recall = 0, map = 0, ndcg = 0;
        var users = 0;
        for (var user = 0; user < test.Rows; user++)
        {
            var relevant = test.RowIndices(user);
            if (relevant.IsEmpty) continue;
            var list = recommendations.Row(user);
            users++;
            precision += RankingMetrics.Precision(list, relevant, k);
            recall += RankingMetrics.Recall(list, relevant, k);
            map += RankingMetrics.AveragePrecision(list, relevant, k);
            ndcg += RankingMetrics.Ndcg(list, relevant, k);
            foreach (var item in list)
            {
                if ((uint)item < (uint)recommended.Length) recommended[item] = true;
            }
        }
        if (users == 0) throw new ArgumentException("No user has a test item; there is nothing to evaluate.", nameof(test));

        var covered = 0;
        foreach (var flag in recommended) covered += flag ? 1 : 0;
        return new RankingReport(k, users, precision / users, recall / users, map / users, ndcg / users,
            test.Columns == 0 ? 0 : covered / (double)test.Columns);
    }
}
