using BatchJobs.Scoring.TopK;

namespace BatchJobs.Scoring.Tests.TopK;

public class ApproximateTopKTests
{
    private static readonly FactorMatrix Users = TestFactors.Clustered(300, 16, centres: 40, spread: 0.5f, seed: 21);
    private static readonly FactorMatrix Items = TestFactors.Clustered(6000, 16, centres: 40, spread: 0.5f, seed: 22);
    private static readonly ExclusionLists Exclusions = TestFactors.RandomExclusions(300, 6000, 20, seed: 23);

    // More users than two work items hold (2,048 each), and enough for the scorer to calibrate starting thresholds.
    private static readonly FactorMatrix ManyUsers = TestFactors.Clustered(5_000, 8, centres: 12, spread: 0.5f, seed: 24);
    private static readonly FactorMatrix FewItems = TestFactors.Clustered(1_500, 8, centres: 12, spread: 0.5f, seed: 25);
    private static readonly ExclusionLists ManyExclusions = TestFactors.RandomExclusions(5_000, 1_500, 10, seed: 26);

    [Test]
    public void Finds_most_of_the_exact_top_k_on_clustered_factors()
    {
        var exact = TopKScorer.Score(Users, Items, Exclusions, new TopKOptions { K = 100 });
        var approximate = TopKScorer.Score(Users, Items, Exclusions, Approximate(k: 100, candidates: 8));

        Assert.That(Recall(exact, approximate), Is.GreaterThanOrEqualTo(0.95));
    }

    [Test]
    public void Scores_fewer_candidates_than_the_exact_mode_and_so_misses_some()
    {
        // Guards the test above against an approximate mode that quietly scores everything.
        var exact = TopKScorer.Score(Users, Items, Exclusions, new TopKOptions { K = 100 });
        var approximate = TopKScorer.Score(Users, Items, Exclusions, Approximate(k: 100, candidates: 2));

        Assert.That(Recall(exact, approximate), Is.LessThan(0.99));
    }

    [Test]
    public void Returns_correct_scores_best_first_and_respects_exclusions()
    {
        var result = TopKScorer.Score(Users, Items, Exclusions, Approximate(k: 50, candidates: 4));

        for (var user = 0; user < Users.Rows; user++)
        {
            var items = result.ItemsOf(user);
            var scores = result.ScoresOf(user);
            Assert.That(items.Length, Is.EqualTo(50));
            Assert.That(items.ToArray().Distinct().Count(), Is.EqualTo(items.Length), $"user {user} has a repeated item");
            for (var i = 0; i < items.Length; i++)
            {
                Assert.That(Exclusions.Contains(user, items[i]), Is.False, $"user {user} got excluded item {items[i]}");
                Assert.That(scores[i], Is.EqualTo(NaiveTopK.Dot(Users.Row(user), Items.Row(items[i]))));
                if (i > 0) Assert.That(scores[i] < scores[i - 1] || (scores[i] == scores[i - 1] && items[i] > items[i - 1]));
            }
        }
    }

    [Test]
    public void Equals_the_exact_mode_when_every_cluster_is_probed()
    {
        var exact = TopKScorer.Score(Users, Items, Exclusions, new TopKOptions { K = 60 });
        var everything = TopKScorer.Score(Users, Items, Exclusions, Approximate(k: 60, candidates: 1000));

        TopKScorerTests.AssertSame(exact, everything);
    }

    [Test]
    public void Gives_the_same_result_on_any_number_of_threads()
    {
        var one = TopKScorer.Score(Users, Items, Exclusions, Approximate(k: 40, candidates: 6) with { MaxDegreeOfParallelism = 1 });
        var three = TopKScorer.Score(Users, Items, Exclusions, Approximate(k: 40, candidates: 6) with { MaxDegreeOfParallelism = 3 });

        TopKScorerTests.AssertSame(one, three);
    }

    [Test]
    public void Gives_the_same_result_on_any_number_of_threads_over_several_chunks()
    {
        // Several chunks, run on different threads in any order.
        var options = Approximate(k: 20, candidates: 4);

        var one = TopKScorer.Score(ManyUsers, FewItems, ManyExclusions, options with { MaxDegreeOfParallelism = 1 });
        var three = TopKScorer.Score(ManyUsers, FewItems, ManyExclusions, options with { MaxDegreeOfParallelism = 3 });

        TopKScorerTests.AssertSame(one, three);
        for (var user = 0; user < ManyUsers.Rows; user++)
        {
            foreach (var item in one.ItemsOf(user)) Assert.That(ManyExclusions.Contains(user, item), Is.False, $"user {user} got excluded item {item}");
        }
    }

    [Test]
    public void Gives_the_same_result_whatever_its_lists_start_at()
    {
        // The scorer calibrating starting thresholds itself; then from -infinity, from far too high (every user's
        // list ends short and is scored again) and from far too low.
        var options = Approximate(k: 20, candidates: 4);
        var calibrated = TopKScorer.Score(ManyUsers, FewItems, ManyExclusions, options);

        foreach (var starts in new StartingThresholds?[] { null, new(rank: 1, normMultiple: 1e6f), new(rank: 1, normMultiple: -1e6f) })
        {
            var result = new TopKResult(ManyUsers.Rows, 20);
            ApproximateScorer.ScoreFrom(starts, ManyUsers, FewItems, ManyExclusions, excludeSelf: false, 20, options.Approximate, workers: 2, result);

            TopKScorerTests.AssertSame(calibrated, result);
        }
    }

    [TestCase(100_000, 2)]
    [TestCase(5_000, 3)]
    [TestCase(300, 2)]
    public void Splits_the_users_into_full_chunks_then_smaller_ones_for_the_last_rounds(int users, int workers)
    {
        var firsts = ApproximateScorer.ChunkFirsts(users, workers);

        Assert.That(firsts[0], Is.EqualTo(0));
        Assert.That(firsts[^1], Is.EqualTo(users));
        var sizes = firsts.Zip(firsts.Skip(1), (first, next) => next - first).ToArray();
        Assert.That(sizes, Has.All.InRange(1, 2048));
        Assert.That(sizes.SkipLast(1), Has.All.GreaterThanOrEqualTo(Math.Min(256, users)));
        Assert.That(sizes, Is.Ordered.Descending, "chunks only shrink");
        if (users >= 100_000) Assert.That(sizes[^2], Is.LessThan(2048), "the last rounds get smaller chunks");
    }

    [Test]
    public void Uses_given_clusters()
    {
        // One cluster per item residue: clusters unrelated to the factors, so probing few of them finds
        // little of the exact top k, which shows the given partition was used rather than a trained one.
        var assignments = Enumerable.Range(0, Items.Rows).Select(i => i % 50).ToArray();
        var given = ItemClusters.FromAssignments(Items, assignments, 50);
        var options = Approximate(k: 100, candidates: 4) with
        {
            Approximate = new ApproximateTopKOptions { CandidateMultiplier = 4, Clusters = given },
        };

        var exact = TopKScorer.Score(Users, Items, Exclusions, new TopKOptions { K = 100 });
        var approximate = TopKScorer.Score(Users, Items, Exclusions, options);

        Assert.That(Recall(exact, approximate), Is.LessThan(0.5));
    }

    [TestCase(-1, 8, 1, "ClusterCount is -1")]
    [TestCase(0, 0, 1, "Iterations is 0")]
    [TestCase(0, 8, 0, "CandidateMultiplier is 0")]
    public void Rejects_bad_approximate_options(int clusters, int iterations, int multiplier, string message)
    {
        var options = new TopKOptions
        {
            K = 5,
            Mode = TopKMode.Approximate,
            Approximate = new ApproximateTopKOptions { ClusterCount = clusters, Iterations = iterations, CandidateMultiplier = multiplier },
        };

        var error = Assert.Throws<ArgumentException>(() => TopKScorer.Score(Users, Items, null, options));
        Assert.That(error!.Message, Does.Contain(message));
    }

    [Test]
    public void Rejects_clusters_of_another_catalogue()
    {
        var other = ItemClusters.FromAssignments(TestFactors.Gaussian(10, 16, seed: 1), new int[10], 1);
        var options = new TopKOptions { K = 5, Mode = TopKMode.Approximate, Approximate = new ApproximateTopKOptions { Clusters = other } };

        var error = Assert.Throws<ArgumentException>(() => TopKScorer.Score(Users, Items, null, options));
        Assert.That(error!.Message, Does.Contain("partition 10 items but there are 6000"));
    }

    private static TopKOptions Approximate(int k, int candidates) => new()
    {
        K = k,
        Mode = TopKMode.Approximate,
        Approximate = new ApproximateTopKOptions { CandidateMultiplier = candidates },
    };

    internal static double Recall(TopKResult exact, TopKResult approximate)
    {
        var total = 0.0;
        for (var row = 0; row < exact.RowCount; row++)
        {
            var truth = exact.ItemsOf(row).ToArray().ToHashSet();
            total += (double)approximate.ItemsOf(row).ToArray().Count(truth.Contains) / truth.Count;
        }
        return total / exact.RowCount;
    }
}
