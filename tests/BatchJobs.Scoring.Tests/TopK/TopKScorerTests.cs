using BatchJobs.Scoring.TopK;

namespace BatchJobs.Scoring.Tests.TopK;

public class TopKScorerTests
{
    // Shapes chosen to miss the 8 x 32 tile and the 64-user chunk on every side: single rows, odd factor
    // counts, k larger than the catalogue left after exclusions, several item blocks.
    [TestCase(1, 1, 1, 1, 0)]
    [TestCase(7, 33, 3, 5, 2)]
    [TestCase(9, 31, 64, 40, 31)]
    [TestCase(17, 100, 65, 10, 5)]
    [TestCase(33, 257, 17, 300, 0)]
    [TestCase(70, 1500, 16, 50, 40)]
    [TestCase(131, 2100, 64, 200, 60)]
    [TestCase(40, 4000, 8, 1, 50)] // k = 1 with many more exclusions than results: frequent cut-backs
    public void Matches_the_naive_oracle(int userCount, int itemCount, int factors, int k, int excludePerUser)
    {
        var users = TestFactors.Gaussian(userCount, factors, seed: 1);
        var items = TestFactors.Gaussian(itemCount, factors, seed: 2);
        var exclusions = TestFactors.RandomExclusions(userCount, itemCount, excludePerUser, seed: 3);

        var result = TopKScorer.Score(users, items, exclusions, new TopKOptions { K = k });

        var expected = NaiveTopK.Score(users, items, exclusions.Contains, k);
        AssertSame(expected, result);
    }

    [Test]
    public void Matches_the_oracle_on_a_catalogue_of_many_blocks()
    {
        // 20,000 items at 8 factors span several L2 blocks, and clustered factors make the thresholds rise
        // unevenly.
        var users = TestFactors.Gaussian(12, 8, seed: 15);
        var items = TestFactors.Clustered(20_000, 8, centres: 30, spread: 0.3f, seed: 16);
        var exclusions = TestFactors.RandomExclusions(12, 20_000, 40, seed: 17);

        var result = TopKScorer.Score(users, items, exclusions, new TopKOptions { K = 150 });

        AssertSame(NaiveTopK.Score(users, items, exclusions.Contains, 150), result);
    }

    [Test]
    public void Skips_excluded_items_among_the_best_wherever_they_rank()
    {
        // Every third of each user's 90 best items is excluded, so excluded keys fall in every 16-key block
        // of the drain, at different lanes for different users; 300 items are excluded in all per user.
        var users = TestFactors.Gaussian(24, 16, seed: 21);
        var items = TestFactors.Gaussian(3000, 16, seed: 22);
        var best = NaiveTopK.Score(users, items, (_, _) => false, 90);
        var offsets = new int[users.Rows + 1];
        var excluded = new List<int>();
        for (var user = 0; user < users.Rows; user++)
        {
            var own = best[user].Where((_, rank) => rank % 3 == user % 3).Select(pair => pair.Item).ToHashSet();
            excluded.AddRange(own);
            excluded.AddRange(Enumerable.Range(0, items.Rows).Where(item => !own.Contains(item) && (item * 7 + user) % 11 == 0).Take(300 - own.Count));
            offsets[user + 1] = excluded.Count;
        }
        var exclusions = new ExclusionLists(offsets, excluded.ToArray());

        var result = TopKScorer.Score(users, items, exclusions, new TopKOptions { K = 70 });

        AssertSame(NaiveTopK.Score(users, items, exclusions.Contains, 70), result);
    }

    // 300 items fit in one buffer; 5,000 items with k = 10 make buffers fill and cut back among ties.
    [TestCase(300, 120)]
    [TestCase(5000, 10)]
    public void Orders_tied_scores_by_ascending_item(int itemCount, int k)
    {
        // Factors in {-1, 0, 1} over 3 dimensions: only 7 distinct scores.
        var users = TestFactors.SmallIntegers(20, 3, seed: 4);
        var items = TestFactors.SmallIntegers(itemCount, 3, seed: 5);

        var result = TopKScorer.Score(users, items, null, new TopKOptions { K = k });

        AssertSame(NaiveTopK.Score(users, items, (_, _) => false, k), result);
        Assert.That(result.ScoresOf(0)[0], Is.EqualTo(result.ScoresOf(0)[1]), "the fixture must produce ties");
    }

    [Test]
    public void Never_returns_an_excluded_item()
    {
        var users = TestFactors.Gaussian(40, 8, seed: 6);
        var items = TestFactors.Gaussian(200, 8, seed: 7);
        var exclusions = TestFactors.RandomExclusions(40, 200, 150, seed: 8);

        var result = TopKScorer.Score(users, items, exclusions, new TopKOptions { K = 100 });

        for (var user = 0; user < users.Rows; user++)
        {
            var eligible = 200 - exclusions.For(user).ToArray().Distinct().Count();
            Assert.That(result.CountOf(user), Is.EqualTo(Math.Min(100, eligible)), $"user {user}");
            foreach (var item in result.ItemsOf(user))
            {
                Assert.That(exclusions.Contains(user, item), Is.False, $"user {user} got excluded item {item}");
            }
        }
    }

    [Test]
    public void Empty_exclusion_lists_change_nothing()
    {
        var users = TestFactors.Gaussian(30, 12, seed: 9);
        var items = TestFactors.Gaussian(90, 12, seed: 10);
        var none = new ExclusionLists(new int[31], []);

        var withEmpty = TopKScorer.Score(users, items, none, new TopKOptions { K = 20 });
        var withNull = TopKScorer.Score(users, items, null, new TopKOptions { K = 20 });

        AssertSame(withNull, withEmpty);
    }

    [Test]
    public void Gives_the_same_result_on_any_number_of_threads()
    {
        var users = TestFactors.Gaussian(300, 32, seed: 11);
        var items = TestFactors.Gaussian(3000, 32, seed: 12);
        var exclusions = TestFactors.RandomExclusions(300, 3000, 30, seed: 13);

        var one = TopKScorer.Score(users, items, exclusions, new TopKOptions { K = 100, MaxDegreeOfParallelism = 1 });
        foreach (var threads in new[] { 2, 3, 8 })
        {
            var many = TopKScorer.Score(users, items, exclusions, new TopKOptions { K = 100, MaxDegreeOfParallelism = threads });
            AssertSame(one, many);
        }
    }

    [Test]
    public void An_empty_catalogue_gives_empty_lists()
    {
        var result = TopKScorer.Score(TestFactors.Gaussian(3, 4, seed: 14), new FactorMatrix(Array.Empty<float>(), 0, 4), null,
            new TopKOptions { K = 10 });

        Assert.That(Enumerable.Range(0, 3).Select(result.CountOf), Is.All.EqualTo(0));
    }

    [Test]
    public void Rejects_factor_matrices_of_different_widths()
    {
        var error = Assert.Throws<ArgumentException>(() => TopKScorer.Score(
            TestFactors.Gaussian(2, 4, seed: 1), TestFactors.Gaussian(2, 5, seed: 1), null, new TopKOptions { K = 1 }));
        Assert.That(error!.Message, Does.Contain("users have 4 factors but items have 5"));
    }

    [TestCase(0, -1, "K is 0")]
    [TestCase(5, 0, "MaxDegreeOfParallelism is 0")]
    [TestCase(5, -2, "MaxDegreeOfParallelism is -2")]
    public void Rejects_bad_options(int k, int threads, string message)
    {
        var matrix = TestFactors.Gaussian(2, 4, seed: 1);
        var error = Assert.Throws<ArgumentException>(() => TopKScorer.Score(
            matrix, matrix, null, new TopKOptions { K = k, MaxDegreeOfParallelism = threads }));
        Assert.That(error!.Message, Does.Contain(message));
    }

    [Test]
    public void Rejects_a_factor_that_is_not_finite()
    {
        var values = new float[12];
        values[7] = float.NaN;
        var error = Assert.Throws<ArgumentException>(() => TopKScorer.Score(
            TestFactors.Gaussian(2, 4, seed: 1), new FactorMatrix(values, 3, 4), null, new TopKOptions { K = 1 }));
        Assert.That(error!.Message, Does.Contain("items row 1, factor 3 is NaN"));
    }

    [Test]
    public void Rejects_exclusions_for_another_number_of_users()
    {
        var matrix = TestFactors.Gaussian(3, 4, seed: 1);
        var error = Assert.Throws<ArgumentException>(() => TopKScorer.Score(
            matrix, matrix, new ExclusionLists([0, 0], []), new TopKOptions { K = 1 }));
        Assert.That(error!.Message, Does.Contain("cover 1 users but there are 3"));
    }

    [Test]
    public void Rejects_an_excluded_item_outside_the_catalogue()
    {
        var matrix = TestFactors.Gaussian(2, 4, seed: 1);
        var error = Assert.Throws<ArgumentException>(() => TopKScorer.Score(
            matrix, matrix, new ExclusionLists([0, 1, 2], [0, 2]), new TopKOptions { K = 1 }));
        Assert.That(error!.Message, Does.Contain("user 1 name item 2"));
    }

    internal static void AssertSame((int Item, float Score)[][] expected, TopKResult actual)
    {
        Assert.That(actual.RowCount, Is.EqualTo(expected.Length));
        for (var row = 0; row < expected.Length; row++)
        {
            Assert.That(actual.ItemsOf(row).ToArray(), Is.EqualTo(expected[row].Select(e => e.Item).ToArray()), $"items of row {row}");
            Assert.That(actual.ScoresOf(row).ToArray(), Is.EqualTo(expected[row].Select(e => e.Score).ToArray()), $"scores of row {row}");
        }
    }

    internal static void AssertSame(TopKResult expected, TopKResult actual)
    {
        Assert.That(actual.RowCount, Is.EqualTo(expected.RowCount));
        for (var row = 0; row < expected.RowCount; row++)
        {
            Assert.That(actual.ItemsOf(row).ToArray(), Is.EqualTo(expected.ItemsOf(row).ToArray()), $"items of row {row}");
            Assert.That(actual.ScoresOf(row).ToArray(), Is.EqualTo(expected.ScoresOf(row).ToArray()), $"scores of row {row}");
        }
    }
}
