namespace BatchJobs.Scoring.TopK;

/// <summary>
/// Exhaustive top-k: every user against every item, chunk of users by block of items, so a block of packed
/// items stays in the core's L2 cache while all kernel rows of the chunk are scored against it.
/// </summary>
/// <remarks>
/// Each user sees the items in ascending order whatever the chunking and thread count, and its candidates
/// only ever meet its own list, so the output does not depend on the schedule.
/// </remarks>
internal static unsafe class ExactScorer
{
    /// <summary>Users per work item: small enough for dynamic load balancing, large enough to reuse a block.</summary>
    private const int UsersPerChunk = 64;

    /// <summary>Bytes of packed items per block: a quarter of a typical 1 MiB L2, leaving room for the rest.</summary>
    private const int BlockBytes = 256 * 1024;

    /// <summary>Writes the top <paramref name="k"/> items of every user into <paramref name="result"/>.</summary>
    public static void Score(
        FactorMatrix users, ItemPanels items, ExclusionLists? exclusions, bool excludeSelf, int k, int workers,
        TopKResult result)
    {
        var chunkCount = (users.Rows + UsersPerChunk - 1) / UsersPerChunk;
        var nextChunk = -1;
        workers = Math.Min(workers, chunkCount);
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
        {
            var worker = new Worker(users, items, new CandidateLists(UsersPerChunk, k, items.ItemCount, exclusions, excludeSelf));
            int chunk;
            while ((chunk = Interlocked.Increment(ref nextChunk)) < chunkCount)
            {
                var first = chunk * UsersPerChunk;
                worker.Score(first, Math.Min(UsersPerChunk, users.Rows - first), result);
            }
        });
    }

    /// <summary>One thread's scratch, allocated once and reused for every chunk.</summary>
    private sealed class Worker(FactorMatrix users, ItemPanels items, CandidateLists lists)
    {
        private readonly float[] _packed = GC.AllocateArray<float>(UsersPerChunk * users.Columns, pinned: true);
        private readonly int[] _local = GC.AllocateArray<int>(UsersPerChunk, pinned: true);
        private readonly int[] _global = GC.AllocateArray<int>(UsersPerChunk, pinned: true);
        private readonly int _tilesPerBlock = Math.Max(1, BlockBytes / (items.TileStride * sizeof(float)));

        public void Score(int first, int count, TopKResult result)
        {
            var factors = users.Columns;
            fixed (float* packed = _packed)
            fixed (int* local = _local)
            fixed (int* global = _global)
            fixed (float* thresholds = lists.Thresholds)
            {
                for (var user = 0; user < UsersPerChunk; user++)
                {
                    local[user] = user < count ? user : lists.PaddingUser;
                    global[user] = user < count ? first + user : -1;
                }
                for (var row = 0; row < count; row += TileKernel.Rows)
                {
                    TileKernel.PackRows(users.Values.Span, factors, global + row, packed + row * factors);
                }
                lists.Reset(first, count);

                var sink = new TopKSink { Lists = lists, ItemIds = items.ItemIdPointer };
                sink.Bind();
                for (var firstTile = 0; firstTile < items.TileCount; firstTile += _tilesPerBlock)
                {
                    for (var row = 0; row < count; row += TileKernel.Rows)
                    {
                        sink.RowUsers = local + row;
                        sink.RowThresholds = thresholds + row;
                        ScoreBlock(packed + row * factors, firstTile, ref sink);
                    }
                }

                result.Store(first, lists, count);
            }
        }

        private void ScoreBlock(float* packedRow, int firstTile, ref TopKSink sink)
        {
            sink.FirstPosition = firstTile * TileKernel.Columns;
            TileKernel.Score(
                packedRow, items.Tiles + (long)firstTile * items.TileStride,
                Math.Min(_tilesPerBlock, items.TileCount - firstTile), users.Columns, ref sink);
        }
    }
}
