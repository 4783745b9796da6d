using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BatchJobs.Embeddings.Als;
using BatchJobs.Embeddings.Sparse;

namespace BatchJobs.Embeddings.Evaluation;

/// <summary>
/// Exact top-k by dot product: scores every item for every user, skips the user's own training items, and
/// keeps the k best in a small heap.
/// </summary>
/// <remarks>
/// Self-contained (its own dot product and parallel loop) so a faster blocked kernel can replace it wholesale.
/// Ties go to the lower item index, so the lists are deterministic. Each worker allocates its scratch (one
/// score per item) once. Cost: users x items dot products.
/// </remarks>
public static class ExhaustiveTopKRecommender
{
    private const int UsersPerChunk = 16;

    /// <summary>Recommends, for every user, the k items with the highest x_u . y_i not in the user's row of
    /// <paramref name="exclude"/>; lists are shorter (padded with -1) only when fewer items remain.</summary>
    /// <param name="userFactors">User vectors.</param>
    /// <param name="itemFactors">Item vectors with the same factor count.</param>
    /// <param name="exclude">users x items; each user's stored items are never recommended to that user.</param>
    /// <param name="k">List length.</param>
    /// <param name="maxDegreeOfParallelism">Worker threads; 0 means one per core.</param>
    public static TopKRecommendations Recommend(FactorMatrix userFactors, FactorMatrix itemFactors, CsrMatrix exclude, int k, int maxDegreeOfParallelism = 0)
    {
        ArgumentNullException.ThrowIfNull(userFactors);
        ArgumentNullException.ThrowIfNull(itemFactors);
        ArgumentNullException.ThrowIfNull(exclude);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDegreeOfParallelism);
        if (userFactors.Factors != itemFactors.Factors)
            throw new ArgumentException($"User vectors have {userFactors.Factors} factors and item vectors {itemFactors.Factors}; they must match.", nameof(itemFactors));
        if (exclude.Rows != userFactors.Rows || exclude.Columns != itemFactors.Rows)
            throw new ArgumentException($"The exclusion matrix is {exclude.Rows} x {exclude.Columns} but there are {userFactors.Rows} users and {itemFactors.Rows} items.", nameof(exclude));

        var result = new TopKRecommendations(userFactors.Rows, k);
        var chunks = (userFactors.Rows + UsersPerChunk - 1) / UsersPerChunk;
        var workers = Math.Clamp(maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount, 1, Math.Max(chunks, 1));
        var nextChunk = -1;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
        {
            var scores = new float[itemFactors.Rows];
            var heapItems = new int[k];
            var heapScores = new float[k];
            int chunk;
            while ((chunk = Interlocked.Increment(ref nextChunk)) < chunks)
            {
                var end = Math.Min((chunk + 1) * UsersPerChunk, userFactors.Rows);
                for (var user = chunk * UsersPerChunk; user < end; user++)
                {
                    ScoreAll(userFactors, itemFactors, user, scores);
                    SelectTop(scores, exclude.RowIndices(user), heapItems, heapScores, result.Row(user));
                }
            }
        });
        return result;
    }

    private static void ScoreAll(FactorMatrix userFactors, FactorMatrix itemFactors, int user, float[] scores)
    {
        var stride = itemFactors.Stride;
        ref var x = ref MemoryMarshal.GetReference(userFactors.AsSpan().Slice(user * stride, stride));
        ref var y = ref MemoryMarshal.GetReference(itemFactors.AsSpan());
        for (var item = 0; item < scores.Length; item++)
            scores[item] = Dot(ref x, ref Unsafe.Add(ref y, (nint)item * stride), stride);
    }

    private static void SelectTop(float[] scores, ReadOnlySpan<int> excluded, int[] heapItems, float[] heapScores, Span<int> destination)
    {
        // A min-heap of the best k so far, rooted at the worst kept entry. Items arrive in increasing index, so
        // an equal score never displaces a kept item: ties resolve to the lower index.
        var size = 0;
        var next = 0;
        for (var item = 0; item < scores.Length; item++)
        {
            if (next < excluded.Length && excluded[next] == item)
            {
                next++;
                continue;
            }
            var score = scores[item];
            if (float.IsNaN(score)) continue;
            if (size < heapItems.Length)
            {
                heapItems[size] = item;
                heapScores[size] = score;
                SiftUp(heapItems, heapScores, size++);
            }
            else if (score > heapScores[0])
            {
                heapItems[0] = item;
                heapScores[0] = score;
                SiftDown(heapItems, heapScores, 0, size);
            }
        }

        destination.Fill(-1);
        // Popping the worst first fills the list from the back.
        while (size > 0)
        {
            destination[size - 1] = heapItems[0];
            size--;
            heapItems[0] = heapItems[size];
            heapScores[0] = heapScores[size];
            SiftDown(heapItems, heapScores, 0, size);
        }
    }

    // a ranks below b: lower score, or the same score and a higher item index.
    private static bool Worse(int[] items, float[] scores, int a, int b) =>
        scores[a] < scores[b] || (scores[a] == scores[b] && items[a] > items[b]);

    private static void SiftUp(int[] items, float[] scores, int position)
    {
        while (position > 0)
        {
            var parent = (position - 1) / 2;
            if (!Worse(items, scores, position, parent)) return;
            Swap(items, scores, position, parent);
            position = parent;
        }
    }

    private static void SiftDown(int[] items, float[] scores, int position, int size)
    {
        while (true)
        {
            int left = 2 * position + 1, right = left + 1, worst = position;
            if (left < size && Worse(items, scores, left, worst)) worst = left;
            if (right < size && Worse(items, scores, right, worst)) worst = right;
            if (worst == position) return;
            Swap(items, scores, position, worst);
            position = worst;
        }
    }

    private static void Swap(int[] items, float[] scores, int a, int b)
    {
        (items[a], items[b]) = (items[b], items[a]);
        (scores[a], scores[b]) = (scores[b], scores[a]);
    }

    private static float Dot(ref float a, ref float b, int length)
    {
        // length is a factor stride: a multiple of 16, so whole Vector512 or Vector256 blocks cover it.
        nuint i = 0, n = (nuint)length;
        if (Vector512.IsHardwareAccelerated)
        {
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16) acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref a, i), Vector512.LoadUnsafe(ref b, i), acc);
            return Vector512.Sum(acc);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8) acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i), acc);
            return Vector256.Sum(acc);
        }
        var sum = 0f;
        for (; i < n; i++) sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref a, i), Unsafe.Add(ref b, i), sum);
        return sum;
    }
}
