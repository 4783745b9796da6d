using BatchJobs.Embeddings.Als;
using BatchJobs.Embeddings.Evaluation;
using BatchJobs.Embeddings.Sparse;
using BatchJobs.Embeddings.Tests.Als;

namespace BatchJobs.Embeddings.Tests.Evaluation;

public sealed class ExhaustiveTopKRecommenderTests
{
    [TestCase(7, 1)]
    [TestCase(33, 2)]
    public void Matches_a_full_sort_of_scores_without_the_users_training_items(int factors, int threads)
    {
        var users = TestMatrices.RandomFactors(50, factors, seed: 1);
        var items = TestMatrices.RandomFactors(300, factors, seed: 2);
        var train = TestMatrices.RandomInteractions(50, 300, 0.05, seed: 3);

        var lists = ExhaustiveTopKRecommender.Recommend(users, items, train, 10, threads);

        for (var user = 0; user < users.Rows; user++)
        {
            var seen = train.RowIndices(user).ToArray();
            var expected = Enumerable.Range(0, items.Rows)
                .Where(item => Array.BinarySearch(seen, item) < 0)
                .OrderByDescending(item => Score(users.Row(user), items.Row(item)))
                .Take(10)
                .ToArray();
            Assert.That(lists.Row(user).ToArray(), Is.EqualTo(expected), $"user {user}");
        }
    }

    [Test]
    public void Equal_scores_go_to_the_lower_item_and_short_lists_are_padded()
    {
        var users = new FactorMatrix(1, 2);
        var items = new FactorMatrix(4, 2);
        users.Row(0)[0] = 1f;
        items.Row(0)[0] = 1f;
        items.Row(1)[0] = 2f;
        items.Row(2)[0] = 1f;
        items.Row(3)[0] = 2f;
        var train = CsrMatrix.FromTriples(1, 4, [0], [3], [1f]);

        var lists = ExhaustiveTopKRecommender.Recommend(users, items, train, 5);

        Assert.That(lists.Row(0).ToArray(), Is.EqualTo(new[] { 1, 0, 2, -1, -1 }), "item 3 is seen; items 0 and 2 tie");
    }

    [Test]
    public void Mismatched_shapes_are_rejected()
    {
        var users = new FactorMatrix(2, 4);
        var items = new FactorMatrix(3, 4);
        Assert.That(() => ExhaustiveTopKRecommender.Recommend(users, new FactorMatrix(3, 5), CsrMatrix.FromTriples(2, 3, [], [], []), 2),
            Throws.ArgumentException.With.Message.Contains("must match"));
        Assert.That(() => ExhaustiveTopKRecommender.Recommend(users, items, CsrMatrix.FromTriples(2, 4, [], [], []), 2),
            Throws.ArgumentException.With.Message.Contains("2 x 4"));
    }

    private static double Score(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0.0;
        for (var j = 0; j < a.Length; j++) sum += a[j] * (double)b[j];
        return sum;
    }
}
