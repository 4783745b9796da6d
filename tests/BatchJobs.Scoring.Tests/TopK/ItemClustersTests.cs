using BatchJobs.Scoring.TopK;

namespace BatchJobs.Scoring.Tests.TopK;

public class ItemClustersTests
{
    [Test]
    public void Recovers_well_separated_groups()
    {
        // Five tight groups of 200 items around far-apart centres (item i belongs to group i % 5).
        var centres = TestFactors.Gaussian(5, 6, seed: 31);
        var noise = TestFactors.Gaussian(1000, 6, seed: 32).Values.ToArray();
        var values = new float[1000 * 6];
        for (var item = 0; item < 1000; item++)
        {
            for (var f = 0; f < 6; f++) values[item * 6 + f] = 20 * centres.Row(item % 5)[f] + 0.1f * noise[item * 6 + f];
        }
        var items = new FactorMatrix(values, 1000, 6);

        var clusters = ItemClusters.Train(items, clusterCount: 5, iterations: 10, seed: 3);

        var groupOfCluster = new Dictionary<int, int>();
        for (var item = 0; item < items.Rows; item++)
        {
            var cluster = clusters.Assignments[item];
            if (!groupOfCluster.TryAdd(cluster, item % 5)) Assert.That(groupOfCluster[cluster], Is.EqualTo(item % 5), $"item {item}");
        }
        Assert.That(groupOfCluster.Values.Distinct().Count(), Is.EqualTo(5));
    }

    [Test]
    public void Centroids_are_the_means_of_their_items()
    {
        var items = TestFactors.Clustered(3000, 8, centres: 12, spread: 0.6f, seed: 33);

        var clusters = ItemClusters.Train(items, clusterCount: 20, iterations: 6, seed: 4);

        var centroids = clusters.Centroids.ToArray();
        for (var c = 0; c < 20; c++)
        {
            var members = Enumerable.Range(0, items.Rows).Where(i => clusters.Assignments[i] == c).ToArray();
            Assert.That(members, Is.Not.Empty, $"cluster {c} is empty");
            for (var f = 0; f < 8; f++)
            {
                Assert.That(centroids[c * 8 + f], Is.EqualTo(members.Average(i => items.Row(i)[f])).Within(1e-4), $"cluster {c}");
            }
        }
    }

    [Test]
    public void Assignment_picks_the_nearest_centroid_and_the_lower_one_on_a_tie()
    {
        var points = TestFactors.Gaussian(100, 5, seed: 35);
        var centroids = TestFactors.Gaussian(40, 5, seed: 36).Values.ToArray();
        // Centroids 7 and 39 both sit on point 0, which must go to 7.
        points.Row(0).CopyTo(centroids.AsSpan(7 * 5, 5));
        points.Row(0).CopyTo(centroids.AsSpan(39 * 5, 5));

        var assignments = ItemClusters.AssignNearest(points, centroids, 40, workers: 2);

        for (var point = 0; point < points.Rows; point++)
        {
            var distances = Enumerable.Range(0, 40).Select(c => SquaredDistance(points.Row(point), centroids.AsSpan(c * 5, 5))).ToArray();
            Assert.That(distances[assignments[point]], Is.EqualTo(distances.Min()).Within(1e-4), $"point {point}");
            Assert.That(assignments[point], Is.Not.EqualTo(39), $"point {point}");
        }
        Assert.That(assignments[0], Is.EqualTo(7));
    }

    [Test]
    public void Is_reproducible_with_a_seed_on_any_number_of_threads()
    {
        var items = TestFactors.Clustered(2000, 8, centres: 10, spread: 0.8f, seed: 34);

        var one = ItemClusters.Train(items, 15, 5, seed: 9, maxDegreeOfParallelism: 1);
        var two = ItemClusters.Train(items, 15, 5, seed: 9, maxDegreeOfParallelism: 2);
        var otherSeed = ItemClusters.Train(items, 15, 5, seed: 10, maxDegreeOfParallelism: 2);

        Assert.That(two.Assignments.ToArray(), Is.EqualTo(one.Assignments.ToArray()));
        Assert.That(two.Centroids.ToArray(), Is.EqualTo(one.Centroids.ToArray()));
        Assert.That(otherSeed.Centroids.ToArray(), Is.Not.EqualTo(one.Centroids.ToArray()));
    }

    [Test]
    public void Takes_given_assignments_with_their_means()
    {
        var items = new FactorMatrix(new float[] { 1, 2, 3, 4, 10, 20 }, 3, 2);

        var clusters = ItemClusters.FromAssignments(items, [1, 1, 0], clusterCount: 3);

        Assert.That(clusters.Centroids.ToArray(), Is.EqualTo(new float[] { 10, 20, 2, 3, 0, 0 }));
        Assert.That(clusters.ItemCount, Is.EqualTo(3));
    }

    [TestCase(0, 5, "clusterCount is 0")]
    [TestCase(11, 5, "clusterCount is 11 but there are 10 items")]
    [TestCase(3, 0, "iterations is 0")]
    public void Rejects_bad_training_arguments(int clusterCount, int iterations, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => ItemClusters.Train(TestFactors.Gaussian(10, 2, seed: 1), clusterCount, iterations, seed: 1));
        Assert.That(error!.Message, Does.Contain(message));
    }

    [Test]
    public void Rejects_assignments_that_do_not_fit()
    {
        var items = TestFactors.Gaussian(3, 2, seed: 1);

        var wrongLength = Assert.Throws<ArgumentException>(() => ItemClusters.FromAssignments(items, [0, 0], 2));
        var wrongCluster = Assert.Throws<ArgumentException>(() => ItemClusters.FromAssignments(items, [0, 2, 1], 2));

        Assert.That(wrongLength!.Message, Does.Contain("2 assignments for 3 items"));
        Assert.That(wrongCluster!.Message, Does.Contain("Item 1 is assigned to cluster 2"));
    }

    private static double SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++) sum += (a[i] - (double)b[i]) * (a[i] - (double)b[i]);
        return sum;
    }

    [Test]
    public void Lowers_each_point_to_its_squared_distance_from_a_nearer_centroid([Values(1, 5, 16, 64, 67)] int factors)
    {
        const int points = 70; // two whole tiles and a padded one
        var random = new Random(factors);
        var rows = Enumerable.Range(0, points)
            .Select(_ => Enumerable.Range(0, factors).Select(_ => (float)(random.NextDouble() * 20 - 10)).ToArray()).ToArray();
        var centroid = Enumerable.Range(0, factors).Select(_ => (float)(random.NextDouble() * 20 - 10)).ToArray();
        var panels = ItemPanels.InRowOrder(new FactorMatrix(rows.SelectMany(row => row).ToArray(), points, factors));
        // Every other point already has something at 0.5, nearer than the centroid nearly always is; the rest start
        // infinitely far away.
        var before = Enumerable.Range(0, panels.ItemIds.Length).Select(p => p % 2 == 0 ? 0.5f : float.PositiveInfinity).ToArray();
        var nearest = before.ToArray();

        ItemClusters.LowerToNearest(panels, centroid, nearest);

        for (var p = 0; p < points; p++)
        {
            var expected = Math.Min(before[p], SquaredDistance(rows[p], centroid));
            Assert.That(nearest[p], Is.EqualTo(expected).Within(1e-5 * Math.Max(1, expected)), $"point {p}");
        }
    }

    [Test]
    public void Refuses_an_entry_count_that_is_not_one_per_packed_position()
    {
        var panels = ItemPanels.InRowOrder(TestFactors.Gaussian(10, 4, seed: 1));

        var error = Assert.Throws<ArgumentException>(() => ItemClusters.LowerToNearest(panels, new float[4], new float[10]));

        Assert.That(error!.Message, Does.Contain("give one entry per packed position"));
    }
}
