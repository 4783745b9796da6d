using System.Runtime.Intrinsics.X86;

namespace BatchJobs.Scoring.TopK;

/// <summary>
/// Cluster-pruned top-k: items are grouped by cluster; each user is scored against the centroids and then,
/// exactly, against the items of its best clusters only (see <see cref="Routing"/>).
/// </summary>
/// <remarks>
/// <para>A chunk of users is routed to clusters first, then each cluster is scored against all the chunk's
/// users that chose it, eight at a time, so the arithmetic still runs as the register-blocked kernel over
/// packed item tiles (a small GEMM per cluster) rather than one user at a time.</para>
/// <para>Each user's lead clusters (its best few) are scored first for the whole chunk, then every list is
/// cut back to about k so its threshold is close to final; the remaining probes then append only what beats
/// it. The candidates a user keeps are the exact best of the items of its probed clusters whatever the order
/// of scoring, so the output does not depend on the phases, the chunking or the thread count.</para>
/// </remarks>
internal static unsafe class ApproximateScorer
{
    /// <summary>
    /// Users per work item: enough that each cluster is chosen by several kernel rows of users, so that its
    /// items, fetched from memory once per phase, are scored from cache for most of them; the candidate buffers
    /// of a chunk (about 36 MB at k = 500) and the centroid scores bound it.
    /// </summary>
    private const int UsersPerChunk = 2048;

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

        // Centroids must be the means of the vectors actually scored (normalised ones for cosine); clusters
        // trained here already are, given ones may come from other vectors.
        var layout = new Layout(items, clusters, recomputeCentroids: options.Clusters is not null, workers);
        var candidateTarget = Math.Min(items.Rows, (long)k * options.CandidateMultiplier);
        var probes = (int)Math.Clamp((candidateTarget * layout.ClusterCount + items.Rows - 1) / items.Rows, 1, layout.ClusterCount);
        var chunkCount = (users.Rows + UsersPerChunk - 1) / UsersPerChunk;
        var chunkSize = Math.Min(UsersPerChunk, users.Rows);
        var nextChunk = -1;
        workers = Math.Min(workers, chunkCount);
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
        {
            var worker = new Worker(users, layout, probes, new CandidateLists(chunkSize, k, items.Rows, exclusions, excludeSelf), chunkSize);
            int chunk;
            while ((chunk = Interlocked.Increment(ref nextChunk)) < chunkCount)
            {
                var first = chunk * UsersPerChunk;
                worker.Score(first, Math.Min(UsersPerChunk, users.Rows - first), result);
            }
        });
    }

    /// <summary>The non-empty clusters' items packed cluster after cluster, and their centroids; shared by all workers.</summary>
    private sealed class Layout
    {
        public Layout(FactorMatrix items, ItemClusters clusters, bool recomputeCentroids, int workers)
        {
            var factors = items.Columns;
            var allSizes = new int[clusters.ClusterCount];
            foreach (var cluster in clusters.Assignments) allSizes[cluster]++;
            var all = clusters.Centroids;
            if (recomputeCentroids)
            {
                var means = new float[clusters.ClusterCount * factors];
                ItemClusters.UpdateCentroids(items, clusters.Assignments, clusters.ClusterCount, means);
                all = means;
            }

            // Empty clusters are dropped, so that routing never has to skip one.
            var index = new int[clusters.ClusterCount];
            var centroids = new List<float>();
            var sizes = new List<int>();
            for (var cluster = 0; cluster < clusters.ClusterCount; cluster++)
            {
                index[cluster] = allSizes[cluster] > 0 ? sizes.Count : -1;
                if (allSizes[cluster] == 0) continue;
                sizes.Add(allSizes[cluster]);
                centroids.AddRange(all.Slice(cluster * factors, factors));
            }
            ClusterCount = sizes.Count;
            Sizes = sizes.ToArray();
            Centroids = ItemPanels.InRowOrder(new FactorMatrix(centroids.ToArray(), ClusterCount, factors));
            (Items, FirstTiles) = PackByCluster(items, clusters.Assignments, index, Sizes, workers);
        }

        /// <summary>Non-empty clusters.</summary>
        public int ClusterCount { get; }

        public ItemPanels Centroids { get; }

        public ItemPanels Items { get; }

        /// <summary>First tile of each cluster in <see cref="Items"/>, and the end.</summary>
        public int[] FirstTiles { get; }

        public int[] Sizes { get; }
    }

    /// <summary>One thread's scratch, allocated once and reused for every chunk.</summary>
    private sealed class Worker(FactorMatrix users, Layout layout, int probes, CandidateLists lists, int maxUsers)
    {
        private readonly Routing _route = new(maxUsers, layout.ClusterCount);
        private readonly float[] _packed = GC.AllocateArray<float>(TileKernel.Rows * users.Columns, pinned: true);
        private readonly float[] _centroidScores = GC.AllocateArray<float>(
            (maxUsers + TileKernel.Rows) * layout.Centroids.ItemIds.Length, pinned: true);
        private readonly int[] _global = GC.AllocateArray<int>(maxUsers + TileKernel.Rows, pinned: true);
        private readonly float[] _zeros = GC.AllocateArray<float>(users.Columns, pinned: true);

        public void Score(int first, int count, TopKResult result)
        {
            var factors = users.Columns;
            fixed (float* userValues = users.Values.Span)
            fixed (float* packed = _packed)
            fixed (float* scores = _centroidScores)
            fixed (int* global = _global)
            fixed (float* zeros = _zeros)
            {
                // Route: every user against every centroid, then its best clusters.
                for (var user = 0; user < count + TileKernel.Rows; user++) global[user] = user < count ? first + user : -1;
                var store = new ScoreMatrixSink { RowStride = layout.Centroids.ItemIds.Length };
                for (var row = 0; row < count; row += TileKernel.Rows)
                {
                    TileKernel.PackRows(users.Values.Span, factors, global + row, packed);
                    store.Destination = scores + (long)row * store.RowStride;
                    TileKernel.Score(packed, layout.Centroids.Tiles, layout.Centroids.TileCount, factors, ref store);
                }
                lists.Reset(first, count);
                _route.Build(new ReadOnlySpan<float>(scores, count * store.RowStride), store.RowStride, count, layout.Sizes, probes, lists.Keep);

                // Score: each cluster against the users that chose it, in cluster order; lead clusters first.
                var chunk = new Chunk { Users = userValues + (long)first * factors, Zeros = zeros, Scratch = packed };
                for (var phase = 0; phase < 2; phase++)
                {
                    for (var cluster = 0; cluster < layout.ClusterCount; cluster++)
                    {
                        var chosenBy = _route.UsersOf(phase, cluster);
                        if (chosenBy.IsEmpty) continue;
                        PrefetchNextCluster(phase, cluster);
                        ScoreCluster(cluster, chosenBy, chunk);
                    }
                    if (phase == 0)
                    {
                        for (var user = 0; user < count; user++) lists.Tighten(user);
                    }
                }
            }

            result.Store(first, lists, count);
        }

        /// <summary>
        /// Asks for the items of the next cluster scored in <paramref name="phase"/> to be brought into the core's
        /// L2 cache while <paramref name="cluster"/>'s are scored.
        /// </summary>
        /// <remarks>
        /// Clusters are visited in storage order, but only those some user chose, and each is a stream of a few
        /// tiles: too short for the hardware prefetcher to run ahead, so every cluster's first kernel call
        /// waited on memory (the lead phase, with fewer users per cluster, ran at two thirds of the other
        /// probes' speed).
        /// </remarks>
        private void PrefetchNextCluster(int phase, int cluster)
        {
            if (!Sse.IsSupported) return;
            var next = cluster + 1;
            while (next < layout.ClusterCount && _route.UsersOf(phase, next).IsEmpty) next++;
            if (next == layout.ClusterCount) return;
            var end = layout.Items.Tiles + (long)layout.FirstTiles[next + 1] * layout.Items.TileStride;
            const int floatsPerLine = 64 / sizeof(float);
            for (var line = layout.Items.Tiles + (long)layout.FirstTiles[next] * layout.Items.TileStride; line < end; line += floatsPerLine)
            {
                Sse.Prefetch1(line);
            }
        }

        /// <summary>Scores <paramref name="chosenBy"/>, chunk-local users, against one cluster, a kernel row of them at a time.</summary>
        /// <remarks>
        /// The cluster's sink and tiles are set up once for all its rows of users: a cluster is scored for about
        /// six kernel rows of a chunk in the lead phase and thirteen in the others, each only a few tiles long, so
        /// setting them up per row cost about 5 % of the scoring time.
        /// </remarks>
        private void ScoreCluster(int cluster, ReadOnlySpan<int> chosenBy, in Chunk chunk)
        {
            var rows = stackalloc float*[TileKernel.Rows];
            var local = stackalloc int[TileKernel.Rows];
            var thresholds = stackalloc float[TileKernel.Rows];
            var sink = new TopKSink
            {
                Lists = lists,
                ItemIds = layout.Items.ItemIdPointer,
                RowUsers = local,
                RowThresholds = thresholds,
                FirstPosition = layout.FirstTiles[cluster] * TileKernel.Columns,
            };
            sink.Bind();
            var tiles = layout.Items.Tiles + (long)layout.FirstTiles[cluster] * layout.Items.TileStride;
            var tileCount = layout.FirstTiles[cluster + 1] - layout.FirstTiles[cluster];
            var partial = layout.Sizes[cluster] % TileKernel.Columns;
            var lastTileHalf = partial is > 0 and <= TileKernel.Columns / 2;
            var factors = users.Columns;
            for (var start = 0; start < chosenBy.Length; start += TileKernel.Rows)
            {
                var group = chosenBy.Slice(start, Math.Min(TileKernel.Rows, chosenBy.Length - start));
                for (var row = 0; row < TileKernel.Rows; row++)
                {
                    var user = row < group.Length ? group[row] : lists.PaddingUser;
                    local[row] = user;
                    rows[row] = row < group.Length ? chunk.Users + (long)user * factors : chunk.Zeros;
                    thresholds[row] = lists.Thresholds[user];
                }
                TileKernel.ScoreRows(rows, chunk.Scratch, tiles, tileCount, factors, ref sink, lastTileHalf);
            }
        }
    }

    /// <summary>Pinned addresses for scoring one chunk.</summary>
    private readonly struct Chunk
    {
        /// <summary>The factors of the chunk's first user.</summary>
        public float* Users { get; init; }

        /// <summary>A row of zeros for kernel rows without a user.</summary>
        public float* Zeros { get; init; }

        /// <summary>Room for one packed kernel row of users (used without AVX-512).</summary>
        public float* Scratch { get; init; }
    }

    /// <summary>
    /// Packs the items cluster after cluster (<paramref name="index"/> maps a cluster to its place, -1 for
    /// empty ones), each cluster padded to whole tiles; returns the panels and the first tile of each cluster,
    /// plus the end.
    /// </summary>
    private static (ItemPanels Panels, int[] FirstTiles) PackByCluster(
        FactorMatrix items, ReadOnlySpan<int> assignments, ReadOnlySpan<int> index, ReadOnlySpan<int> sizes, int workers)
    {
        var clusterCount = sizes.Length;
        var firstTiles = new int[clusterCount + 1];
        for (var cluster = 0; cluster < clusterCount; cluster++)
        {
            firstTiles[cluster + 1] = firstTiles[cluster] + ItemPanels.RoundUpToTile(sizes[cluster]) / TileKernel.Columns;
        }
        var ids = new int[firstTiles[clusterCount] * TileKernel.Columns];
        ids.AsSpan().Fill(-1);
        var next = new int[clusterCount];
        for (var cluster = 0; cluster < clusterCount; cluster++) next[cluster] = firstTiles[cluster] * TileKernel.Columns;
        for (var item = 0; item < assignments.Length; item++) ids[next[index[assignments[item]]]++] = item;
        return (ItemPanels.Pack(items, ids, workers), firstTiles);
    }
}
