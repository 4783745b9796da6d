namespace BatchJobs.Scoring.TopK;

/// <summary>
/// Cluster-pruned top-k: items are grouped by cluster; each user is scored against the centroids and then,
/// exactly, against the items of its best clusters only (see <see cref="Routing"/>).
/// </summary>
/// <remarks>
/// A chunk of users is routed to clusters first, then each cluster is scored against all the chunk's users
/// that chose it, so the arithmetic still runs as the blocked kernel over packed tiles rather than one user at
/// a time. A user's clusters are visited in cluster order whatever the schedule, so the output does not
/// depend on the thread count.
/// </remarks>
internal static unsafe class ApproximateScorer
{
    /// <summary>Users per work item: enough that each cluster is scored against several micro-rows at once.</summary>
    private const int UsersPerChunk = 256;

    /// <summary>Throws when the approximate settings are out of range.</summary>
    public static void Validate(ApproximateTopKOptions options)
    {
        ArgumentNullException.ThrowIfNull(options, nameof(TopKOptions.Approximate));
        if (options.ClusterCount < 0)
        {
            throw new ArgumentException(
                $"Approximate.ClusterCount is {options.ClusterCount}; use 0 for automatic or a positive count.", nameof(options));
        }
        if (options.Iterations < 1)
        {
            throw new ArgumentException($"Approximate.Iterations is {options.Iterations}; run at least 1.", nameof(options));
        }
        if (options.CandidateMultiplier < 1)
        {
            throw new ArgumentException(
                $"Approximate.CandidateMultiplier is {options.CandidateMultiplier}; score at least k candidates (1).", nameof(options));
        }
    }

    /// <summary>Writes the approximate top <paramref name="k"/> of every user into <paramref name="result"/>.</summary>
    public static void Score(
        FactorMatrix users, FactorMatrix items, ExclusionLists? exclusions, bool excludeSelf, int k,
        ApproximateTopKOptions options, int workers, TopKResult result)
    {
        var clusters = options.Clusters ?? ItemClusters.Train(
            items,
            Math.Min(options.ClusterCount == 0 ? ItemClusters.DefaultClusterCount(items.Rows) : options.ClusterCount, items.Rows),
            options.Iterations, options.Seed, workers);
        if (clusters.ItemCount != items.Rows)
        {
            throw new ArgumentException(
                $"Approximate.Clusters partition {clusters.ItemCount} items but there are {items.Rows}; cluster these items.",
                nameof(options));
        }

        var layout = new Layout(items, clusters, Math.Min(items.Rows, (long)k * options.CandidateMultiplier));
        var chunkCount = (users.Rows + UsersPerChunk - 1) / UsersPerChunk;
        var nextChunk = -1;
        workers = Math.Min(workers, chunkCount);
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
        {
            var worker = new Worker(users, layout, new CandidateLists(UsersPerChunk, k, items.Rows, exclusions, excludeSelf));
            int chunk;
            while ((chunk = Interlocked.Increment(ref nextChunk)) < chunkCount)
            {
                var first = chunk * UsersPerChunk;
                worker.Score(first, Math.Min(UsersPerChunk, users.Rows - first), result);
            }
        });
    }

    /// <summary>The items packed cluster after cluster, and the centroids; shared by all workers.</summary>
    private sealed class Layout
    {
        public Layout(FactorMatrix items, ItemClusters clusters, long candidateTarget)
        {
            ClusterCount = clusters.ClusterCount;
            CandidateTarget = candidateTarget;
            // Centroids are the means of the vectors actually scored (normalised ones for cosine), whatever
            // the clusters were trained on.
            var centroids = new float[ClusterCount * items.Columns];
            ItemClusters.UpdateCentroids(items, clusters.Assignments, ClusterCount, centroids);
            Centroids = ItemPanels.InRowOrder(new FactorMatrix(centroids, ClusterCount, items.Columns));
            (Items, FirstTiles, Sizes) = PackByCluster(items, clusters.Assignments, ClusterCount);
        }

        public int ClusterCount { get; }

        /// <summary>Items each user should have scored, at least.</summary>
        public long CandidateTarget { get; }

        public ItemPanels Centroids { get; }

        public ItemPanels Items { get; }

        /// <summary>First tile of each cluster in <see cref="Items"/>, and the end.</summary>
        public int[] FirstTiles { get; }

        public int[] Sizes { get; }
    }

    /// <summary>One thread's scratch, allocated once and reused for every chunk.</summary>
    private sealed class Worker(FactorMatrix users, Layout layout, CandidateLists lists)
    {
        private readonly Routing _route = new(UsersPerChunk, layout.ClusterCount);
        private readonly float[] _packed = GC.AllocateArray<float>(UsersPerChunk * users.Columns, pinned: true);
        private readonly float[] _centroidScores = GC.AllocateArray<float>(UsersPerChunk * layout.Centroids.ItemIds.Length, pinned: true);
        private readonly int[] _global = GC.AllocateArray<int>(UsersPerChunk, pinned: true);
        private readonly float[] _rowPacked = GC.AllocateArray<float>(TileKernel.Rows * users.Columns, pinned: true);
        private readonly int[] _rowLocal = GC.AllocateArray<int>(TileKernel.Rows, pinned: true);
        private readonly int[] _rowGlobal = GC.AllocateArray<int>(TileKernel.Rows, pinned: true);
        private readonly float[] _rowThresholds = GC.AllocateArray<float>(TileKernel.Rows, pinned: true);

        public void Score(int first, int count, TopKResult result)
        {
            var factors = users.Columns;
            fixed (float* packed = _packed)
            fixed (float* scores = _centroidScores)
            fixed (int* global = _global)
            {
                // Route: every user against every centroid, then its best clusters.
                for (var user = 0; user < UsersPerChunk; user++) global[user] = user < count ? first + user : -1;
                var store = new ScoreMatrixSink { RowStride = layout.Centroids.ItemIds.Length };
                for (var row = 0; row < count; row += TileKernel.Rows)
                {
                    TileKernel.PackRows(users.Values.Span, factors, global + row, packed + row * factors);
                    store.Destination = scores + (long)row * store.RowStride;
                    TileKernel.Score(packed + row * factors, layout.Centroids.Tiles, layout.Centroids.TileCount, factors, ref store);
                }
                _route.Build(new ReadOnlySpan<float>(scores, count * store.RowStride), store.RowStride, count,
                    layout.Sizes, layout.CandidateTarget);
                lists.Reset(first, count);
            }

            // Score: each cluster against the users that chose it, in cluster order.
            for (var cluster = 0; cluster < layout.ClusterCount; cluster++)
            {
                var chosenBy = _route.UsersOf(cluster);
                for (var start = 0; start < chosenBy.Length; start += TileKernel.Rows)
                {
                    ScoreCluster(cluster, first, chosenBy[start..Math.Min(chosenBy.Length, start + TileKernel.Rows)]);
                }
            }

            for (var user = 0; user < count; user++) result.Store(first + user, lists, user);
        }

        /// <summary>Scores up to one kernel row of the chunk's users against one cluster.</summary>
        private void ScoreCluster(int cluster, int first, ReadOnlySpan<int> chunkUsers)
        {
            fixed (float* packed = _rowPacked)
            fixed (int* local = _rowLocal)
            fixed (int* global = _rowGlobal)
            fixed (float* thresholds = _rowThresholds)
            {
                for (var row = 0; row < TileKernel.Rows; row++)
                {
                    var user = row < chunkUsers.Length ? chunkUsers[row] : lists.PaddingUser;
                    local[row] = user;
                    global[row] = user != lists.PaddingUser ? first + user : -1;
                    thresholds[row] = lists.Thresholds[user];
                }
                TileKernel.PackRows(users.Values.Span, users.Columns, global, packed);
                var sink = new TopKSink
                {
                    Lists = lists,
                    ItemIds = layout.Items.ItemIdPointer,
                    RowUsers = local,
                    RowThresholds = thresholds,
                    FirstPosition = layout.FirstTiles[cluster] * TileKernel.Columns,
                };
                sink.Bind();
                TileKernel.Score(
                    packed, layout.Items.Tiles + (long)layout.FirstTiles[cluster] * layout.Items.TileStride,
                    layout.FirstTiles[cluster + 1] - layout.FirstTiles[cluster], users.Columns, ref sink);
            }
        }
    }

    /// <summary>
    /// Packs the items cluster after cluster, each cluster padded to whole tiles; returns the panels, the first
    /// tile of each cluster (plus the end) and each cluster's size.
    /// </summary>
    private static (ItemPanels Panels, int[] FirstTiles, int[] Sizes) PackByCluster(
        FactorMatrix items, ReadOnlySpan<int> assignments, int clusterCount)
    {
        var sizes = new int[clusterCount];
        foreach (var cluster in assignments) sizes[cluster]++;
        var firstTiles = new int[clusterCount + 1];
        for (var cluster = 0; cluster < clusterCount; cluster++)
        {
            firstTiles[cluster + 1] = firstTiles[cluster] + ItemPanels.RoundUpToTile(sizes[cluster]) / TileKernel.Columns;
        }
        var ids = new int[firstTiles[clusterCount] * TileKernel.Columns];
        ids.AsSpan().Fill(-1);
        var next = new int[clusterCount];
        for (var cluster = 0; cluster < clusterCount; cluster++) next[cluster] = firstTiles[cluster] * TileKernel.Columns;
        for (var item = 0; item < assignments.Length; item++) ids[next[assignments[item]]++] = item;
        return (ItemPanels.Pack(items, ids), firstTiles, sizes);
    }
}
