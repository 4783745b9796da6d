using BatchJobs.Jobs.Clustering;

namespace BatchJobs.Jobs.Tests.Clustering;

public class KMeansClusteringTests
{
    [TestCase(20_000, 50)]
    [TestCase(40, 2, TestName = "a tiny catalogue gets the minimum")]
    [TestCase(1_000_000, 200, TestName = "a huge catalogue gets the maximum")]
    [TestCase(1, 1, TestName = "never more clusters than tracks")]
    public void TheClusterCountIsSizedToTheCatalogue(int tracks, int expected) =>
        Assert.That(KMeansClustering.ClusterCountFor(tracks, 400, 2, 200), Is.EqualTo(expected));

    [Test]
    public void ThreeSeparatedDirectionsComeOutAsThreeClustersTheSameWayEveryRun()
    {
        // 3 directions x 20 points, each a little off its axis; lengths vary, which normalisation ignores.
        var random = new Random(5);
        var vectors = new List<float>();
        var truth = new List<int>();
        for (var i = 0; i < 60; i++)
        {
            var axis = i % 3;
            var length = 0.5f + (float)random.NextDouble() * 5;
            for (var f = 0; f < 3; f++) vectors.Add(length * ((f == axis ? 1f : 0f) + (float)(random.NextDouble() - 0.5) * 0.2f));
            truth.Add(axis);
        }

        var first = KMeansClustering.Fit(vectors.ToArray(), 3, clusters: 3, maxIterations: 50, seed: 7);
        var second = KMeansClustering.Fit(vectors.ToArray(), 3, clusters: 3, maxIterations: 50, seed: 7);

        Assert.That(first.ClusterCount, Is.EqualTo(3));
        for (var axis = 0; axis < 3; axis++)
        {
            var found = Enumerable.Range(0, 60).Where(i => truth[i] == axis).Select(i => first.Assignments[i]).Distinct().ToList();
            Assert.That(found, Has.Count.EqualTo(1), $"the points of axis {axis} share one cluster");
        }
        Assert.That(second.Assignments, Is.EqualTo(first.Assignments));
        Assert.That(second.Centroids, Is.EqualTo(first.Centroids));
        Assert.That(first.Distances, Has.All.LessThan(0.3f));
    }

    [Test]
    public void ClustersAreNumberedBySizeAndEmptyOnesDropped()
    {
        // Unit vectors: three near (1,0), one near (0,1); centroid 2 is far from everything.
        float[] vectors = [1, 0, 0.99f, 0.14f, 0.99f, -0.14f, 0, 1];
        float[] centroids = [0, 1, 1, 0, -1, -1];

        var assigned = KMeansClustering.Assign(vectors, 2, centroids, 3);

        Assert.That(assigned.ClusterCount, Is.EqualTo(2));
        Assert.That(assigned.Assignments, Is.EqualTo(new[] { 0, 0, 0, 1 }), "the three-track cluster becomes 0");
        Assert.That(assigned.Centroids, Is.EqualTo(new float[] { 1, 0, 0, 1 }));
    }
}
