using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BatchJobs.Scoring.TopK;

/// <summary>
/// Appends the scores of a tile row that reach the row's threshold, with their items, to the user's
/// <see cref="CandidateLists"/> buffer.
/// </summary>
/// <remarks>
/// With AVX-512 the append is branch-free: compress-stores of the passing scores and items whether or not any
/// pass. In the benchmark over half of the tile rows have a passing score somewhere in their 32 columns, at
/// no predictable place, so a branch on it would mispredict often; the stores cost less.
/// </remarks>
internal unsafe struct TopKSink : ITileSink
{
    /// <summary>The running top-k of the chunk's users.</summary>
    public CandidateLists Lists;

    /// <summary>Item row of each packed position (-1 for padding), pinned.</summary>
    public int* ItemIds;

    /// <summary>Packed position of the first column of the kernel call's first tile.</summary>
    public int FirstPosition;

    /// <summary>The list of each tile row: a chunk-local user or <see cref="CandidateLists.PaddingUser"/>.</summary>
    public int* RowUsers;

    /// <summary>The threshold of each tile row; kept in step with <see cref="CandidateLists.Thresholds"/>.</summary>
    public float* RowThresholds;

    private float* _scores;
    private int* _items;
    private int* _offsets;
    private int* _counts;
    private int* _fillAt;

    /// <summary>Rows of the current tile whose buffer filled up, one bit each.</summary>
    private int _full;

    /// <summary>Takes the buffers of <see cref="Lists"/>; call after every <see cref="CandidateLists.Reset"/>.</summary>
    public void Bind()
    {
        _scores = Lists.ScoreBuffer;
        _items = Lists.ItemBuffer;
        _offsets = Lists.Offsets;
        _counts = Lists.Counts;
        _fillAt = Lists.FillAt;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Row(int row, int tile, Vector512<float> low, Vector512<float> high)
    {
        var threshold = Vector512.Create(RowThresholds[row]);
        var user = RowUsers[row];
        var position = FirstPosition + tile * TileKernel.Columns;
        var itemsLow = Vector512.Load(ItemIds + position);
        var itemsHigh = Vector512.Load(ItemIds + position + 16);
        // Padding positions (item -1) score 0 and may reach the threshold.
        var passLow = Vector512.GreaterThanOrEqual(low, threshold).AsInt32() & ~Vector512.IsNegative(itemsLow);
        var passHigh = Vector512.GreaterThanOrEqual(high, threshold).AsInt32() & ~Vector512.IsNegative(itemsHigh);
        var offset = _offsets[user];
        var count = _counts[user];
        if (Avx512F.IsSupported)
        {
            Avx512F.Compress(Vector512<float>.Zero, passLow.AsSingle(), low).Store(_scores + offset + count);
            Avx512F.Compress(Vector512<int>.Zero, passLow, itemsLow).Store(_items + offset + count);
            count += BitOperations.PopCount(passLow.ExtractMostSignificantBits());
            Avx512F.Compress(Vector512<float>.Zero, passHigh.AsSingle(), high).Store(_scores + offset + count);
            Avx512F.Compress(Vector512<int>.Zero, passHigh, itemsHigh).Store(_items + offset + count);
            count += BitOperations.PopCount(passHigh.ExtractMostSignificantBits());
        }
        else
        {
            count = AppendScalar(_scores + offset, _items + offset, count, low, itemsLow, passLow.ExtractMostSignificantBits());
            count = AppendScalar(_scores + offset, _items + offset, count, high, itemsHigh, passHigh.ExtractMostSignificantBits());
        }
        _counts[user] = count;
        _full |= (count >= _fillAt[user] ? 1 : 0) << row;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EndTile(int tile)
    {
        if (_full != 0) CutBackFullRows();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CutBackFullRows()
    {
        for (var full = _full; full != 0; full &= full - 1)
        {
            var row = BitOperations.TrailingZeroCount(full);
            var user = RowUsers[row];
            Lists.CutBack(user);
            RowThresholds[row] = Lists.Thresholds[user];
        }
        _full = 0;
    }

    private static int AppendScalar(float* scores, int* items, int count, Vector512<float> values, Vector512<int> ids, ulong mask)
    {
        for (; mask != 0; mask &= mask - 1)
        {
            var lane = BitOperations.TrailingZeroCount(mask);
            scores[count] = values[lane];
            items[count] = ids[lane];
            count++;
        }
        return count;
    }
}
