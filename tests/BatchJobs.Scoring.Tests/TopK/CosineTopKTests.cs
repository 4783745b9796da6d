using BatchJobs.Scoring.TopK;

namespace BatchJobs.Scoring.Tests.TopK;

public class CosineTopKTests
{
    [Test]
    public void Finds_the_most_similar_other_items_with_their_cosine()
    {
        var items = TestFactors.Clustered(700, 24, centres: 15, spread: 0.7f, seed: 41);

        var result = CosineTopK.Score(items, new TopKOptions { K = 25 });

        for (var item = 0; item < items.Rows; item++)
        {
            var cosines = Enumerable.Range(0, items.Rows).Select(other => Cosine(items.Row(item), items.Row(other))).ToArray();
            var neighbours = result.ItemsOf(item);
            var scores = result.ScoresOf(item);
            Assert.That(neighbours.Length, Is.EqualTo(25));
            Assert.That(neighbours.ToArray(), Does.Not.Contain(item), $"item {item} lists itself");
            for (var i = 0; i < neighbours.Length; i++)
            {
                Assert.That(scores[i], Is.EqualTo(cosines[neighbours[i]]).Within(1e-5), $"item {item}, neighbour {i}");
                if (i > 0) Assert.That(scores[i], Is.LessThanOrEqualTo(scores[i - 1]));
            }
            // Nothing left out is more similar than the last neighbour (beyond rounding).
            var listed = neighbours.ToArray().ToHashSet();
            var left = Enumerable.Range(0, items.Rows).Where(o => o != item && !listed.Contains(o));
            Assert.That(left.Max(o => cosines[o]), Is.LessThanOrEqualTo(scores[^1] + 1e-5), $"item {item}");
        }
    }

    [Test]
    public void Returns_every_other_item_when_k_exceeds_them_and_scores_zero_rows_at_zero()
    {
        var values = new float[] { 1, 0, 0, 0, 2, 2, 0, 1 };
        var items = new FactorMatrix(values, 4, 2);

        var result = CosineTopK.Score(items, new TopKOptions { K = 10 });

        Assert.That(result.ItemsOf(0).ToArray(), Is.EqualTo(new[] { 2, 1, 3 }));
        Assert.That(result.ScoresOf(0)[0], Is.EqualTo(MathF.Sqrt(0.5f)).Within(1e-6));
        Assert.That(result.ScoresOf(1).ToArray(), Is.All.EqualTo(0f), "a zero row has cosine 0 with everything");
        Assert.That(result.ItemsOf(1).ToArray(), Is.EqualTo(new[] { 0, 2, 3 }), "ties in item order");
    }

    [Test]
    public void Approximate_mode_finds_most_neighbours()
    {
        var items = TestFactors.Clustered(4000, 16, centres: 30, spread: 0.4f, seed: 42);

        var exact = CosineTopK.Score(items, new TopKOptions { K = 50 });
        var approximate = CosineTopK.Score(items, new TopKOptions
        {
            K = 50,
            Mode = TopKMode.Approximate,
            Approximate = new ApproximateTopKOptions { CandidateMultiplier = 10 },
        });

        Assert.That(ApproximateTopKTests.Recall(exact, approximate), Is.GreaterThanOrEqualTo(0.95));
        for (var item = 0; item < items.Rows; item++) Assert.That(approximate.ItemsOf(item).ToArray(), Does.Not.Contain(item));
    }

    [Test]
    public void Rejects_a_factor_that_is_not_finite()
    {
        var error = Assert.Throws<ArgumentException>(() => CosineTopK.Score(
            new FactorMatrix(new[] { 1f, float.PositiveInfinity }, 1, 2), new TopKOptions { K = 1 }));
        Assert.That(error!.Message, Does.Contain("items row 0, factor 1 is Infinity"));
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            na += a[i] * (double)a[i];
            nb += b[i] * (double)b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }
}
