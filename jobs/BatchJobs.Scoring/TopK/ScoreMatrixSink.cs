using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace BatchJobs.Scoring.TopK;

/// <summary>Stores every score the kernel computes into a row-major matrix (users x packed positions).</summary>
internal unsafe struct ScoreMatrixSink : ITileSink
{
    /// <summary>Where the kernel call's first row and first position go.</summary>
    public float* Destination;

    /// <summary>Floats from one row of the destination to the next.</summary>
    public int RowStride;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Row(int row, int tile, Vector512<float> low, Vector512<float> high)
    {
        var destination = Destination + (long)row * RowStride + tile * TileKernel.Columns;
        low.Store(destination);
        high.Store(destination + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void EndTile(int tile)
    {
    }
}
