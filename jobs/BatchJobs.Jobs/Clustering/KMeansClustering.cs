using BatchJobs.Scoring.TopK;
using System.Numerics.Tensors;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace BatchJobs.Jobs.Clustering;

/// <summary>The clusters of a set of vectors: one cluster per row, its distance to the centroid, and the centroids.</summary>
/// <param name="Assignments">The cluster of each row; clusters are numbered by size, largest first (ties by centroid order).</param>
/// <param name="Distances">Euclidean distance of each (unit-normalised) row to its centroid.</param>
/// <param name="Centroids">Row-major <c>clusters x factors</c>; only non-empty clusters are kept.</param>
/// <param name="ClusterCount">How many clusters are kept.</param>
/// <param name="Factors">The vector dimension.</param>
public sealed record ClusterAssignment(int[] Assignments, float[] Distances, float[] Centroids, int ClusterCount, int Factors);

/// <summary>
/// k-means over track vectors with Microsoft.ML's <see cref="KMeansTrainer"/> (k-means++ initialisation, one thread so
/// that a given seed always gives the same clusters). Vectors are scaled to unit length first: a taste is a direction
/// in the embedding space, and a popular track's long vector should not pull a centroid towards it.
/// </summary>
public static class KMeansClustering
{
    /// <summary>How many clusters a catalogue of <paramref name="items"/> gets: one per <paramref name="itemsPerCluster"/>
    /// items, rounded, within <paramref name="min"/>..<paramref name="max"/> and never more than the items.</summary>
    public static int ClusterCountFor(int items, int itemsPerCluster, int min, int max)
    {
        if (itemsPerCluster < 1 || min < 1 || max < min) throw new ArgumentException($"cluster sizing needs itemsPerCluster >= 1 and 1 <= min <= max (got {itemsPerCluster}, {min}, {max})");
        var k = (int)Math.Round(items / (double)itemsPerCluster, MidpointRounding.AwayFromZero);
        return Math.Min(Math.Clamp(k, min, max), Math.Max(items, 1));
    }

    /// <summary>Clusters the rows of <paramref name="vectors"/> (row-major, <paramref name="factors"/> per row).</summary>
    /// <remarks>Deterministic for a seed. Clusters left empty by the final assignment are dropped.</remarks>
    public static ClusterAssignment Fit(ReadOnlySpan<float> vectors, int factors, int clusters, int maxIterations, int seed)
    {
        var rows = vectors.Length / factors;
        if (rows * factors != vectors.Length || rows == 0) throw new ArgumentException($"{vectors.Length} values are not whole rows of {factors} factors", nameof(vectors));
        if (clusters < 1 || clusters > rows) throw new ArgumentException($"{clusters} clusters for {rows} rows; use 1..{rows}", nameof(clusters));
        var unit = FactorMatrix.UnitRows(vectors, factors);

        var ml = new MLContext(seed);
        var points = new Point[rows];
        for (var r = 0; r < rows; r++) points[r] = new Point { Features = unit.AsSpan(r * factors, factors).ToArray() };
        var schema = SchemaDefinition.Create(typeof(Point));
        schema[nameof(Point.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, factors);
        var data = ml.Data.LoadFromEnumerable(points, schema);
        var trainer = ml.Clustering.Trainers.KMeans(new KMeansTrainer.Options
        {
            FeatureColumnName = nameof(Point.Features),
            NumberOfClusters = clusters,
            NumberOfThreads = 1,
            MaximumNumberOfIterations = maxIterations,
            InitializationAlgorithm = KMeansTrainer.InitializationAlgorithm.KMeansPlusPlus,
        });
        var model = trainer.Fit(data).Model;
        VBuffer<float>[] trained = [];
        model.GetClusterCentroids(ref trained, out var k);
        var centroids = new float[k * factors];
        for (var c = 0; c < k; c++) trained[c].CopyTo(centroids.AsSpan(c * factors, factors));

        return Assign(unit, factors, centroids, k);
    }

    /// <summary>Assigns each row to its nearest centroid (ties to the lower one), drops empty clusters and renumbers the
    /// rest by size, largest first.</summary>
    public static ClusterAssignment Assign(ReadOnlySpan<float> unitVectors, int factors, ReadOnlySpan<float> centroids, int clusters)
    {
        var rows = unitVectors.Length / factors;
        var nearest = new int[rows];
        var distances = new float[rows];
        var sizes = new int[clusters];
        for (var r = 0; r < rows; r++)
        {
            var row = unitVectors.Slice(r * factors, factors);
            var best = 0;
            var bestDistance = float.PositiveInfinity;
            for (var c = 0; c < clusters; c++)
            {
                var distance = TensorPrimitives.Distance(row, centroids.Slice(c * factors, factors));
                if (distance < bestDistance)
                {
                    bestDistance = distance;
                    best = c;
                }
            }
            nearest[r] = best;
            distances[r] = bestDistance;
            sizes[best]++;
        }
        var order = Enumerable.Range(0, clusters).Where(c => sizes[c] > 0).OrderByDescending(c => sizes[c]).ThenBy(c => c).ToArray();
        var renumber = new int[clusters];
        var kept = new float[order.Length * factors];
        for (var i = 0; i < order.Length; i++)
        {
            renumber[order[i]] = i;
            centroids.Slice(order[i] * factors, factors).CopyTo(kept.AsSpan(i * factors, factors));
        }
        for (var r = 0; r < rows; r++) nearest[r] = renumber[nearest[r]];
        return new ClusterAssignment(nearest, distances, kept, order.Length, factors);
    }

    private sealed class Point
    {
        public float[] Features { get; set; } = [];
    }
}
