using System.Runtime.Intrinsics;

namespace BatchJobs.Scoring.TopK;

/// <summary>
/// A partition of the items into clusters with their centroids (the mean factors of each cluster's items),
/// which the approximate top-k mode uses to skip the items of clusters far from a user.
/// </summary>
public sealed class ItemClusters
{
    /// <summary>Items sampled per cluster to train on: plenty to place a centroid, far fewer than a catalogue.</summary>
    private const int SamplePerCluster = 32;

    /// <summary>Sampled items per cluster that k-means++ seeding draws from (its cost grows with clusters x these).</summary>
    private const int SeedCandidatesPerCluster = 8;

    private readonly int[] _assignments;
    private readonly float[] _centroids;

    private ItemClusters(int[] assignments, float[] centroids, int clusterCount, int factors)
    {
        _assignments = assignments;
        _centroids = centroids;
        ClusterCount = clusterCount;
        Factors = factors;
    }

    /// <summary>The number of clusters (some may be empty).</summary>
    public int ClusterCount { get; }

    /// <summary>Factors per item and per centroid.</summary>
    public int Factors { get; }

    /// <summary>The number of items partitioned.</summary>
    public int ItemCount => _assignments.Length;

    /// <summary>The cluster of each item.</summary>
    public ReadOnlySpan<int> Assignments => _assignments;

    /// <summary>Row-major <see cref="ClusterCount"/> x <see cref="Factors"/> centroids; an empty cluster's is zero.</summary>
    public ReadOnlySpan<float> Centroids => _centroids;

    /// <summary>
    /// The number of clusters the approximate top-k mode trains when none is given: twice the square root of
    /// the number of items (about 450 for 50,000 items), at least 1.
    /// </summary>
    public static int DefaultClusterCount(int itemCount) => Math.Max(1, (int)Math.Round(2 * Math.Sqrt(itemCount)));

    /// <summary>
    /// Clusters the items with Lloyd's k-means on a sample: a generator seeded with <paramref name="seed"/>
    /// draws up to 32 distinct items per cluster and picks starting centroids among them (k-means++), then
    /// up to <paramref name="iterations"/> rounds assign every sampled item to its nearest centroid
    /// (Euclidean) and move each centroid to its items' mean, stopping early when no item moves. Finally
    /// every item is assigned to its nearest centroid and the centroids become their items' means.
    /// </summary>
    /// <remarks>
    /// Deterministic for a given seed whatever the thread count: assignments come from the top-k scoring
    /// kernel (ties go to the lower cluster) and means are summed in item order. A cluster that loses all
    /// its items keeps its previous centroid.
    /// </remarks>
    /// <exception cref="ArgumentException">A count is out of range or a factor is not finite.</exception>
    public static ItemClusters Train(
        FactorMatrix items, int clusterCount, int iterations, int seed, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (clusterCount < 1 || clusterCount > items.Rows)
        {
            throw new ArgumentException(
                $"clusterCount is {clusterCount} but there are {items.Rows} items; use 1 to {items.Rows} clusters.",
                nameof(clusterCount));
        }
        if (iterations < 1)
        {
            throw new ArgumentException($"iterations is {iterations}; run at least 1.", nameof(iterations));
        }
        var workers = TopKScorer.Validate(new TopKOptions { K = 1, MaxDegreeOfParallelism = maxDegreeOfParallelism });
        items.ThrowIfNotFinite(nameof(items));
        return Lloyd(items, clusterCount, iterations, seed, workers);
    }

    /// <summary>Clusters given per item (for example the catalogue's taste clusters), with their means.</summary>
    /// <exception cref="ArgumentException">The assignments do not match the items or name a bad cluster.</exception>
    public static ItemClusters FromAssignments(FactorMatrix items, ReadOnlySpan<int> assignments, int clusterCount)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clusterCount);
        if (assignments.Length != items.Rows)
        {
            throw new ArgumentException(
                $"There are {assignments.Length} assignments for {items.Rows} items; give one cluster per item row.",
                nameof(assignments));
        }
        for (var item = 0; item < assignments.Length; item++)
        {
            if ((uint)assignments[item] >= (uint)clusterCount)
            {
                throw new ArgumentException(
                    $"Item {item} is assigned to cluster {assignments[item]}; clusters are 0..{clusterCount - 1}.",
                    nameof(assignments));
            }
        }
        var copy = assignments.ToArray();
        var centroids = new float[clusterCount * items.Columns];
        UpdateCentroids(items, copy, clusterCount, centroids);
        return new ItemClusters(copy, centroids, clusterCount, items.Columns);
    }

    private static ItemClusters Lloyd(FactorMatrix items, int clusterCount, int iterations, int seed, int workers)
    {
        var factors = items.Columns;
        var sampleSize = (int)Math.Min(items.Rows, (long)clusterCount * SamplePerCluster);
        var order = new int[items.Rows];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var random = new Random(seed);
        var sampleValues = new float[sampleSize * factors];
        for (var i = 0; i < sampleSize; i++)
        {
            var pick = random.Next(i, order.Length);
            (order[i], order[pick]) = (order[pick], order[i]);
            items.Row(order[i]).CopyTo(sampleValues.AsSpan(i * factors, factors));
        }
        var sample = new FactorMatrix(sampleValues, sampleSize, factors);
        var centroids = SeedCentroids(sample, clusterCount, random);

        var sampleAssignments = new int[sampleSize];
        sampleAssignments.AsSpan().Fill(-1);
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var nearest = AssignNearest(sample, centroids, clusterCount, workers);
            if (nearest.AsSpan().SequenceEqual(sampleAssignments)) break;
            sampleAssignments = nearest;
            UpdateCentroids(sample, sampleAssignments, clusterCount, centroids);
        }

        var assignments = AssignNearest(items, centroids, clusterCount, workers);
        UpdateCentroids(items, assignments, clusterCount, centroids);
        return new ItemClusters(assignments, centroids, clusterCount, factors);
    }

    /// <summary>
    /// k-means++ seeding on the first points of the (already random) sample: each next centroid is a point
    /// drawn with probability proportional to its squared distance from the centroids so far, so that
    /// separate groups of items each get a centroid instead of one group getting two.
    /// </summary>
    private static float[] SeedCentroids(FactorMatrix sample, int clusterCount, Random random)
    {
        var factors = sample.Columns;
        var candidates = (int)Math.Min(sample.Rows, (long)clusterCount * SeedCandidatesPerCluster);
        var centroids = new float[clusterCount * factors];
        var nearest = new double[candidates];
        nearest.AsSpan().Fill(double.PositiveInfinity);
        var chosen = 0;
        for (var c = 0; c < clusterCount; c++)
        {
            sample.Row(chosen).CopyTo(centroids.AsSpan(c * factors, factors));
            var total = 0.0;
            for (var point = 0; point < candidates; point++)
            {
                nearest[point] = Math.Min(nearest[point], SquaredDistance(sample.Row(point), sample.Row(chosen)));
                total += nearest[point];
            }
            // Duplicates of chosen points have distance 0 and are never drawn while another point is left.
            var target = random.NextDouble() * total;
            chosen = 0;
            for (var cumulative = nearest[0]; cumulative <= target && chosen < candidates - 1; cumulative += nearest[++chosen])
            {
            }
        }
        return centroids;
    }

    /// <summary>The squared Euclidean distance between two rows of equal length, summed in double.</summary>
    internal static double SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0.0;
        var i = 0;
        if (Vector512.IsHardwareAccelerated && a.Length >= Vector512<float>.Count)
        {
            var squares = Vector512<float>.Zero;
            for (; i + Vector512<float>.Count <= a.Length; i += Vector512<float>.Count)
            {
                var difference = Vector512.Create(a[i..]) - Vector512.Create(b[i..]);
                squares = Vector512.FusedMultiplyAdd(difference, difference, squares);
            }
            sum = Vector512.Sum(squares);
        }
        for (; i < a.Length; i++)
        {
            double difference = a[i] - b[i];
            sum += difference * difference;
        }
        return sum;
    }

    /// <summary>The nearest centroid (Euclidean) of every point; ties go to the lower cluster.</summary>
    internal static unsafe int[] AssignNearest(FactorMatrix points, float[] centroids, int clusterCount, int workers)
    {
        // The nearest centroid maximises x.c - |c|^2 / 2: the scoring kernel's dot product plus a bias per
        // centroid, which the sink adds, so that assignment is a top-1 of the kernel.
        const int pointsPerChunk = 64;
        var factors = points.Columns;
        var panels = ItemPanels.InRowOrder(new FactorMatrix(centroids, clusterCount, factors));
        var bias = GC.AllocateArray<float>(panels.ItemIds.Length, pinned: true);
        for (var c = 0; c < clusterCount; c++)
        {
            var squared = 0f;
            foreach (var value in centroids.AsSpan(c * factors, factors)) squared = MathF.FusedMultiplyAdd(value, value, squared);
            bias[c] = -0.5f * squared;
        }

        var assignments = new int[points.Rows];
        var chunkCount = (points.Rows + pointsPerChunk - 1) / pointsPerChunk;
        var nextChunk = -1;
        workers = Math.Min(workers, chunkCount);
        using var pin = points.Values.Pin();
        var values = (float*)pin.Pointer;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
        {
            var scratch = stackalloc float[TileKernel.Rows * factors];
            var zeros = stackalloc float[factors];
            new Span<float>(zeros, factors).Clear();
            var rows = stackalloc float*[TileKernel.Rows];
            var best = stackalloc float[TileKernel.Rows];
            var position = stackalloc int[TileKernel.Rows];
            int chunk;
            fixed (float* biasPointer = bias)
            {
                while ((chunk = Interlocked.Increment(ref nextChunk)) < chunkCount)
                {
                    var end = Math.Min(points.Rows, (chunk + 1) * pointsPerChunk);
                    for (var first = chunk * pointsPerChunk; first < end; first += TileKernel.Rows)
                    {
                        for (var row = 0; row < TileKernel.Rows; row++)
                        {
                            rows[row] = first + row < end ? values + (long)(first + row) * factors : zeros;
                            best[row] = float.NegativeInfinity;
                            position[row] = -1;
                        }
                        var sink = new NearestSink { Best = best, Position = position, Bias = biasPointer, PositionCount = clusterCount };
                        TileKernel.ScoreRows(rows, scratch, panels.Tiles, panels.TileCount, factors, ref sink);
                        for (var row = 0; row < TileKernel.Rows && first + row < end; row++) assignments[first + row] = position[row];
                    }
                }
            }
        });
        return assignments;
    }

    /// <summary>Sets each non-empty cluster's centroid to the mean of its items, summed in item order.</summary>
    internal static void UpdateCentroids(FactorMatrix items, ReadOnlySpan<int> assignments, int clusterCount, Span<float> centroids)
    {
        var factors = items.Columns;
        var sums = new double[clusterCount * factors];
        var sizes = new int[clusterCount];
        for (var item = 0; item < assignments.Length; item++)
        {
            var cluster = assignments[item];
            sizes[cluster]++;
            var row = items.Row(item);
            var sum = sums.AsSpan(cluster * factors, factors);
            for (var f = 0; f < factors; f++) sum[f] += row[f];
        }
        for (var cluster = 0; cluster < clusterCount; cluster++)
        {
            if (sizes[cluster] == 0) continue;
            for (var f = 0; f < factors; f++)
            {
                centroids[cluster * factors + f] = (float)(sums[cluster * factors + f] / sizes[cluster]);
            }
        }
    }
}
