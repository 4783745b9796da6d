using BatchJobs.Embeddings.Evaluation;
using BatchJobs.Embeddings.Sparse;

namespace BatchJobs.Embeddings.Tests.Evaluation;

public sealed class RankingEvaluationTests
{
    [Test]
    public void Averages_over_users_with_test_items_and_measures_coverage()
    {
        // 3 users, 6 items; user 1 has no test items and is skipped.
        var test = CsrMatrix.FromTriples(3, 6, [0, 0, 2], [1, 2, 4], [1f, 1f, 1f]);
        var lists = new TopKRecommendations(3, 2);
        int[][] rows = [[1, 3], [0, 5], [4, -1]];
        for (var user = 0; user < 3; user++) rows[user].CopyTo(lists.Row(user));

        var report = RankingEvaluation.Evaluate(lists, test);

        Assert.That(report.Users, Is.EqualTo(2));
        Assert.That(report.K, Is.EqualTo(2));
        Assert.That(report.Precision, Is.EqualTo((0.5 + 0.5) / 2));
        Assert.That(report.Recall, Is.EqualTo((0.5 + 1.0) / 2));
        Assert.That(report.Map, Is.EqualTo((0.5 + 1.0) / 2));
        Assert.That(report.Ndcg, Is.EqualTo((1 / (1 + 1 / Math.Log2(3)) + 1.0) / 2).Within(1e-12));
        Assert.That(report.Coverage, Is.EqualTo(3.0 / 6), "items 1, 3 and 4 appear in the evaluated users' lists");
    }

    [Test]
    public void Mismatched_users_or_an_empty_test_set_are_rejected()
    {
        var test = CsrMatrix.FromTriples(2, 3, [], [], []);
        Assert.That(() => RankingEvaluation.Evaluate(new TopKRecommendations(3, 1), test), Throws.ArgumentException.With.Message.Contains("same users"));
        Assert.That(() => RankingEvaluation.Evaluate(new TopKRecommendations(2, 1), test), Throws.ArgumentException.With.Message.Contains("nothing to evaluate"));
    }
}
