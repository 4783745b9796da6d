using BatchJobs.Embeddings.Evaluation;

namespace BatchJobs.Embeddings.Tests.Evaluation;

/// <summary>Hand-computed fixtures. List [5, 1, 9, 3, -1] against relevant {1, 3, 4}: hits at ranks 2 and 4.</summary>
public sealed class RankingMetricsTests
{
    private static readonly int[] List = [5, 1, 9, 3, -1];
    private static readonly int[] Relevant = [1, 3, 4];

    [Test]
    public void Precision_divides_hits_by_k()
    {
        Assert.That(RankingMetrics.Precision(List, Relevant, 5), Is.EqualTo(2.0 / 5));
        Assert.That(RankingMetrics.Precision(List, Relevant, 2), Is.EqualTo(1.0 / 2));
        Assert.That(RankingMetrics.Precision(List, Relevant, 1), Is.EqualTo(0.0));
    }

    [Test]
    public void Recall_divides_hits_by_the_relevant_count()
    {
        Assert.That(RankingMetrics.Recall(List, Relevant, 5), Is.EqualTo(2.0 / 3));
        Assert.That(RankingMetrics.Recall(List, Relevant, 3), Is.EqualTo(1.0 / 3));
    }

    [Test]
    public void Average_precision_divides_by_min_of_k_and_relevant_count()
    {
        // Precision at the hits: 1/2 (rank 2), 2/4 (rank 4); min(5, 3) = 3.
        Assert.That(RankingMetrics.AveragePrecision(List, Relevant, 5), Is.EqualTo((0.5 + 0.5) / 3).Within(1e-12));
        // At k = 2 only rank 2 counts and min(2, 3) = 2.
        Assert.That(RankingMetrics.AveragePrecision(List, Relevant, 2), Is.EqualTo(0.5 / 2).Within(1e-12));
        Assert.That(RankingMetrics.AveragePrecision([1, 3, 4], Relevant, 3), Is.EqualTo(1.0), "a perfect list scores 1");
    }

    [Test]
    public void Ndcg_uses_binary_gains_and_the_ideal_list_of_min_k_relevant_hits()
    {
        var dcg = 1 / Math.Log2(3) + 1 / Math.Log2(5);
        var ideal = 1 + 1 / Math.Log2(3) + 1 / Math.Log2(4);
        Assert.That(RankingMetrics.Ndcg(List, Relevant, 5), Is.EqualTo(dcg / ideal).Within(1e-12));
        Assert.That(RankingMetrics.Ndcg([4, 1], Relevant, 2), Is.EqualTo(1.0).Within(1e-12), "two hits in two slots is ideal at k = 2");
        Assert.That(RankingMetrics.Ndcg([7, 8], Relevant, 2), Is.EqualTo(0.0));
    }

    [Test]
    public void Users_without_relevant_items_and_bad_k_are_rejected()
    {
        Assert.That(() => RankingMetrics.Recall(List, [], 5), Throws.ArgumentException.With.Message.Contains("skip such users"));
        Assert.That(() => RankingMetrics.Precision(List, Relevant, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
