using System.Numerics.Tensors;
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
/// <para>Each user's list starts at a predicted threshold (<see cref="StartingThresholds"/>), so that it appends
/// only the items likely to make its top k; the few users whose list ends short are scored again from
/// -infinity. The candidates a user keeps are the exact best of the items of its probed clusters whatever
/// the start, the order of scoring, the chunking or the thread count.</para>
/// </remarks>
internal static unsafe class ApproximateScorer
{
    /// <summary>
    /// Users per work item: enough that each cluster is chosen by several kernel rows of users, so that its
    /// items, fetched from memory once per chunk, are scored from cache for most of them; the candidate buffers
    /// of a chunk (about 36 MB at k = 500) and the centroid scores bound it.
    /// </summary>
    private const int UsersPerChunk = 2048;

    /// <summary>The fewest users of a work item before the last.</summary>
    private const int SmallestChunk = 256;

    /// <summary>Consecutive users per calibration block; <see cref="CalibrationBlocks"/> blocks spread over all users.</summary>
    private const int CalibrationBlockUsers = 64;

    private const int CalibrationBlocks = 4;

    /// <summary>
    /// Below this many users the starting thresholds are not predicted and the lists start at -infinity:
    /// calibration scores a sixteenth of them or more from -infinity, which would cost about what it saves.
    /// </summary>
    private const int UsersToCalibrate = 16 * CalibrationBlocks * CalibrationBlockUsers;

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
        if (!double.IsFinite(options.CandidateMultiplier) || options.CandidateMultiplier < 1)
        {
            throw new ArgumentException(
                $"Approximate.CandidateMultiplier is {options.CandidateMultiplier}; score at least k candidates (a finite multiple of at least 1).",
                nameof(options));
        }
    }

    /// <summary>Writes the approximate top <paramref name="k"/> of every user into <paramref name="result"/>.</summary>
    public static void Score(
        FactorMatrix users, FactorMatrix items, ExclusionLists? exclusions, bool excludeSelf, int k,
        ApproximateTopKOptions options, int workers, TopKResult result)
    {
        var (layout, candidates) = Prepare(items, k, options, workers);
        var starts = users.Rows >= UsersToCalibrate ? Calibrate(users, layout, candidates, exclusions, excludeSelf, k) : null;
        Score(users, layout, candidates, exclusions, excludeSelf, k, starts, workers, result);
    }

    /// <summary>
    /// As <see cref="Score(FactorMatrix, FactorMatrix, ExclusionLists?, bool, int, ApproximateTopKOptions, int, TopKResult)"/>,
    /// but every list starts at <paramref name="starts"/> (null: -infinity) instead of calibrated thresholds.
    /// </summary>
    internal static void ScoreFrom(
        StartingThresholds? starts, FactorMatrix users, FactorMatrix items, ExclusionLists? exclusions, bool excludeSelf, int k,
        ApproximateTopKOptions options, int workers, TopKResult result)
    {
        var (layout, candidates) = Prepare(items, k, options, workers);
        Score(users, layout, candidates, exclusions, excludeSelf, k, starts, workers, result);
    }

    /// <summary>The clusters (trained unless given), packed, and how many items each user probes at least.</summary>
    private static (Layout Layout, long Candidates) Prepare(FactorMatrix items, int k, ApproximateTopKOptions options, int workers)
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
        return (layout, Math.Min(items.Rows, (long)Math.Ceiling(k * options.CandidateMultiplier)));
    }

    private static void Score(
        FactorMatrix users, Layout layout, long candidates, ExclusionLists? exclusions, bool excludeSelf, int k,
        StartingThresholds? starts, int workers, TopKResult result)
    {
        var firsts = ChunkFirsts(users.Rows, workers);
        var chunkCount = firsts.Length - 1;
        var chunkSize = Math.Min(UsersPerChunk, users.Rows);
        var nextChunk = -1;
        workers = Math.Min(workers, chunkCount);
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
        {
            var worker = new Worker(users, layout, candidates, new CandidateLists(chunkSize, k, layout.ItemCount, exclusions, excludeSelf), chunkSize);
            int chunk;
            while ((chunk = Interlocked.Increment(ref nextChunk)) < chunkCount)
            {
                worker.Score(firsts[chunk], firsts[chunk + 1] - firsts[chunk], starts, result);
            }
        });
    }

    /// <summary>
    /// The first user of each work item, and the end: <see cref="UsersPerChunk"/> users each, then smaller ones
    /// once a few rounds of the workers are left, so that they finish together.
    /// </summary>
    /// <remarks>
    /// With full chunks to the end, the worker that took the last one ran up to a whole chunk (about 17 ms on the
    /// benchmark) after the other had stopped. Each chunk of the tail is half of what is left per worker, and at
    /// least <see cref="SmallestChunk"/> users, which still share each cluster among several kernel rows.
    /// </remarks>
    internal static int[] ChunkFirsts(int userCount, int workers)
    {
        var firsts = new List<int> { 0 };
        var first = 0;
        while (first < userCount)
        {
            var size = (int)Math.Clamp((userCount - first) / (2L * Math.Max(1, workers)), SmallestChunk, UsersPerChunk);
            first = (int)Math.Min(userCount, (long)first + size);
            firsts.Add(first);
        }
        return firsts.ToArray();
    }

    /// <summary>
    /// Scores blocks of users spread over all of them from -infinity and calibrates the starting thresholds on
    /// their keep-th best scores.
    /// </summary>
    private static StartingThresholds Calibrate(
        FactorMatrix users, Layout layout, long candidates, ExclusionLists? exclusions, bool excludeSelf, int k)
    {
        var rank = StartingThresholds.RankFor(Routing.ClustersHolding(candidates, layout.ItemCount, layout.ClusterCount));
        var worker = new Worker(
            users, layout, candidates, new CandidateLists(CalibrationBlockUsers, k, layout.ItemCount, exclusions, excludeSelf), CalibrationBlockUsers);
        var offsets = new float[CalibrationBlocks * CalibrationBlockUsers];
        var written = 0;
        for (var block = 0; block < CalibrationBlocks; block++)
        {
            var first = (int)((long)block * (users.Rows - CalibrationBlockUsers) / (CalibrationBlocks - 1));
            written += worker.Offsets(first, CalibrationBlockUsers, rank, offsets.AsSpan(written));
        }
        return StartingThresholds.Calibrate(rank, offsets.AsSpan(0, written));
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
            ItemCount = items.Rows;
            ClusterCount = sizes.Count;
            Sizes = sizes.ToArray();
            Centroids = ItemPanels.InRowOrder(new FactorMatrix(centroids.ToArray(), ClusterCount, factors));
            (Items, FirstTiles) = PackByCluster(items, clusters.Assignments, index, Sizes, workers);
        }

        public int ItemCount { get; }

        /// <summary>Non-empty clusters.</summary>
        public int ClusterCount { get; }

        public ItemPanels Centroids { get; }

        public ItemPanels Items { get; }

        /// <summary>First tile of each cluster in <see cref="Items"/>, and the end.</summary>
        public int[] FirstTiles { get; }

        public int[] Sizes { get; }
    }

    /// <summary>One thread's scratch, allocated once and reused for every chunk.</summary>
    private sealed class Worker(FactorMatrix users, Layout layout, long candidates, CandidateLists lists, int maxUsers)
    {
        private readonly Routing _route = new(maxUsers, layout.ClusterCount);
        private readonly float[] _packed = GC.AllocateArray<float>(TileKernel.Rows * users.Columns, pinned: true);
        private readonly float[] _centroidScores = GC.AllocateArray<float>(
            (maxUsers + TileKernel.Rows) * layout.Centroids.ItemIds.Length, pinned: true);
        private readonly int[] _global = GC.AllocateArray<int>(maxUsers + TileKernel.Rows, pinned: true);
        private readonly float[] _zeros = GC.AllocateArray<float>(users.Columns, pinned: true);
        private readonly int[] _again = new int[maxUsers];

        /// <summary>
        /// Writes the top k of users <paramref name="first"/> .. + <paramref name="count"/> into
        /// <paramref name="result"/>, their lists started at <paramref name="starts"/> (null: -infinity).
        /// </summary>
        public void Score(int first, int count, StartingThresholds? starts, TopKResult result)
        {
            Route(first, count);
            if (starts is not null)
            {
                for (var user = 0; user < count; user++)
                {
                    lists.Start(user, starts.For(_route.ClustersOf(user), CentroidScoresOf(user), NormOf(first + user)));
                }
            }
            ScoreProbes(first);

            // The users whose start was above their keep-th best, scored again from -infinity (none started there).
            var again = 0;
            for (var user = 0; user < count; user++)
            {
                if (lists.IsShort(user)) _again[again++] = user;
            }
            if (again > 0)
            {
                foreach (var user in _again.AsSpan(0, again)) lists.Start(user, float.NegativeInfinity);
                _route.Restrict(_again.AsSpan(0, again));
                ScoreProbes(first);
            }
            result.Store(first, lists, count);
        }

        /// <summary>
        /// Scores users <paramref name="first"/> .. + <paramref name="count"/> from -infinity and writes, for each whose
        /// list is not short, (its keep-th best score - the score of its <paramref name="rank"/>-th best probed
        /// centroid) / its norm into <paramref name="offsets"/>; returns how many were written.
        /// </summary>
        public int Offsets(int first, int count, int rank, Span<float> offsets)
        {
            Route(first, count);
            ScoreProbes(first);
            var written = 0;
            for (var user = 0; user < count; user++)
            {
                var norm = NormOf(first + user);
                if (lists.IsShort(user) || !(norm > 0)) continue;
                var ranked = StartingThresholds.RankedScore(rank, _route.ClustersOf(user), CentroidScoresOf(user));
                offsets[written++] = (lists.LowestKept(user) - ranked) / norm;
            }
            return written;
        }

        /// <summary>The centroid scores of chunk-local <paramref name="user"/>, one per cluster.</summary>
        private ReadOnlySpan<float> CentroidScoresOf(int user) =>
            _centroidScores.AsSpan(user * layout.Centroids.ItemIds.Length, layout.ClusterCount);

        private float NormOf(int user) => TensorPrimitives.Norm(users.Values.Span.Slice(user * users.Columns, users.Columns));

        /// <summary>
        /// Scores every user of the chunk against every centroid, empties their lists and picks the clusters each
        /// probes.
        /// </summary>
        private void Route(int first, int count)
        {
            var factors = users.Columns;
            fixed (float* packed = _packed)
            fixed (float* scores = _centroidScores)
            fixed (int* global = _global)
            {
                for (var user = 0; user < count + TileKernel.Rows; user++) global[user] = user < count ? first + user : -1;
                var store = new ScoreMatrixSink { RowStride = layout.Centroids.ItemIds.Length };
                for (var row = 0; row < count; row += TileKernel.Rows)
                {
                    TileKernel.PackRows(users.Values.Span, factors, global + row, packed);
                    store.Destination = scores + (long)row * store.RowStride;
                    TileKernel.Score(packed, layout.Centroids.Tiles, layout.Centroids.TileCount, factors, ref store);
                }
                lists.Reset(first, count);
                _route.Build(new ReadOnlySpan<float>(scores, count * store.RowStride), store.RowStride, count, layout.Sizes, candidates, lists.Keep);
            }
        }

        /// <summary>Scores each cluster against the users routed to it, in cluster order.</summary>
        private void ScoreProbes(int first)
        {
            fixed (float* userValues = users.Values.Span)
            fixed (float* packed = _packed)
            fixed (float* zeros = _zeros)
            {
                var chunk = new Chunk { Users = userValues + (long)first * users.Columns, Zeros = zeros, Scratch = packed };
                for (var cluster = 0; cluster < layout.ClusterCount; cluster++)
                {
                    var chosenBy = _route.UsersOf(cluster);
                    if (chosenBy.IsEmpty) continue;
                    PrefetchNextCluster(cluster);
                    ScoreCluster(cluster, chosenBy, chunk);
                }
            }
        }

        /// <summary>
        /// Asks for the items of the next cluster to be scored to be brought into the core's L2 cache while
        /// <paramref name="cluster"/>'s are scored.
        /// </summary>
        /// <remarks>
        /// Clusters are visited in storage order, but only those some user chose, and each is a stream of a few
        /// tiles: too short for the hardware prefetcher to run ahead, so every cluster's first kernel call
        /// waited on memory.
        /// </remarks>
        private void PrefetchNextCluster(int cluster)
        {
            if (!Sse.IsSupported) return;
            var next = cluster + 1;
            while (next < layout.ClusterCount && _route.UsersOf(next).IsEmpty) next++;
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
        /// eighteen kernel rows of a chunk, each only a few tiles long, so setting them up per row cost about 5 %
        /// of the scoring time.
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
