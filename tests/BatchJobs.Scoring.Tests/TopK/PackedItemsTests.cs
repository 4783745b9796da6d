using BatchJobs.Scoring.TopK;

namespace BatchJobs.Scoring.Tests.TopK;

public class PackedItemsTests
{
    [TestCase(TopKMode.Exact)]
    [TestCase(TopKMode.Approximate)]
    public void Scoring_against_packed_items_gives_what_scoring_the_matrix_gives_call_after_call(TopKMode mode)
    {
        var items = TestFactors.Gaussian(700, 24, seed: 2);
        var packed = PackedItems.Pack(items);
        var options = new TopKOptions { K = 20, Mode = mode, MaxDegreeOfParallelism = 1 };

        for (var group = 0; group < 3; group++)
        {
            var users = TestFactors.Gaussian(150, 24, seed: 10 + group);
            var exclusions = TestFactors.RandomExclusions(150, 700, 5, seed: 20 + group);
            var expected = TopKScorer.Score(users, items, exclusions, options);

            var actual = TopKScorer.Score(users, packed, exclusions, options);

            for (var u = 0; u < users.Rows; u++)
            {
                Assert.That(actual.ItemsOf(u).ToArray(), Is.EqualTo(expected.ItemsOf(u).ToArray()), $"group {group}, user {u}");
                Assert.That(actual.ScoresOf(u).ToArray(), Is.EqualTo(expected.ScoresOf(u).ToArray()), $"group {group}, user {u}");
            }
        }
    }

    [Test]
    public void Packing_refuses_a_factor_that_is_not_finite()
    {
        var values = new float[4 * 3];
        values[7] = float.NaN;

        var e = Assert.Throws<ArgumentException>(() => PackedItems.Pack(new FactorMatrix(values, 4, 3)))!;

        Assert.That(e.Message, Does.Contain("row 2, factor 1"));
    }
}
