using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace BatchJobs.Scoring.TopK;

/// <summary>
/// Keeps, per tile row, the best score plus a bias per position and that position: a top-1 without candidate
/// buffers, for assigning points to their nearest centroid.
/// </summary>
/// <remarks>
/// Positions must arrive in ascending order (one kernel call over consecutive tiles, or calls in tile
/// order); a later position replaces the best only with a strictly greater score, so ties go to the lowest.
/// Everything is inlined into the kernel and calls nothing, so the other rows' scores stay in registers.
/// </remarks>
internal unsafe struct NearestSink : ITileSink
{
    /// <summary>Best score of each row so far; start at -infinity.</summary>
    public float* Best;

    /// <summary>Position of each row's best score; -1 until one is seen.</summary>
    public int* Position;

    /// <summary>
    /// Added to the score of each position (as many as the kernel call's tiles hold): adding it after the
    /// kernel rounds exactly as one more factor pair (1, bias) would.
    /// </summary>
    public float* Bias;

    /// <summary>Positions from this one on are padding and never chosen.</summary>
    public int PositionCount;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Row(int row, int tile, Vector512<float> low, Vector512<float> high)
    {
        var first = tile * TileKernel.Columns;
        low += Vector512.Load(Bias + first);
        high += Vector512.Load(Bias + first + 16);
        if (first + TileKernel.Columns > PositionCount)
        {
            var lanes = Vector512<int>.Indices + Vector512.Create(first);
            low = Vector512.ConditionalSelect(Vector512.LessThan(lanes, Vector512.Create(PositionCount)).AsSingle(), low, Vector512.Create(float.NegativeInfinity));
            high = Vector512.ConditionalSelect(Vector512.LessThan(lanes + Vector512.Create(16), Vector512.Create(PositionCount)).AsSingle(), high, Vector512.Create(float.NegativeInfinity));
        }
        // Factors are finite, so the native maximum (no NaN handling) is exact here.
        var both = Vector512.MaxNative(low, high);
        var half = Vector256.MaxNative(both.GetLower(), both.GetUpper());
        var quarter = Vector128.MaxNative(half.GetLower(), half.GetUpper());
        quarter = Vector128.MaxNative(quarter, Vector128.Shuffle(quarter, Vector128.Create(2, 3, 0, 1)));
        quarter = Vector128.MaxNative(quarter, Vector128.Shuffle(quarter, Vector128.Create(1, 0, 3, 2)));
        var best = quarter.ToScalar();
        if (best > Best[row])
        {
            var all = Vector512.Create(best);
            var lanes = Vector512.Equals(low, all).ExtractMostSignificantBits() | Vector512.Equals(high, all).ExtractMostSignificantBits() << 16;
            Best[row] = best;
            Position[row] = first + BitOperations.TrailingZeroCount(lanes);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void EndTile(int tile)
    {
    }
}
