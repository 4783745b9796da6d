using System.Runtime.InteropServices;

namespace BatchJobs.Embeddings.Als;

/// <summary>
/// The Gram matrix F^T F of a factor matrix F (k x k, stored with the factor stride and zero padding), which
/// every row solve of the other side shares: it stands for the sum over all unobserved pairs.
/// </summary>
/// <remarks>
/// Computed in parallel over fixed blocks of rows, each block summed in row order with rank-4 updates, and the
/// block results then added in block order, so the result is bit-identical for any worker count. The buffers
/// are allocated once and reused by every half-iteration. Not thread-safe.
/// </remarks>
internal sealed class GramMatrix
{
    private const int RowsPerBlock = 2048;

    private readonly FactorMatrix _values;
    private float[] _partials = [];

    /// <summary>Creates an empty Gram matrix for factor matrices of the given stride.</summary>
    public GramMatrix(int factors)
    {
        _values = new FactorMatrix(FactorMatrix.PaddedLength(factors), factors);
        Stride = _values.Stride;
    }

    /// <summary>Row stride (and padded dimension) of <see cref="Values"/>.</summary>
    public int Stride { get; }

    /// <summary>The Stride x Stride matrix, row-major; rows and columns past the factor count are zero.</summary>
    public ReadOnlySpan<float> Values => _values.AsSpan();

    /// <summary>Replaces <see cref="Values"/> with F^T F using up to <paramref name="workers"/> threads.</summary>
    public void Compute(FactorMatrix factors, int workers)
    {
        if (factors.Stride != Stride) throw new ArgumentException($"Factor stride {factors.Stride} does not match the Gram matrix stride {Stride}.", nameof(factors));
        var blocks = (factors.Rows + RowsPerBlock - 1) / RowsPerBlock;
        var size = Stride * Stride;
        if (_partials.Length < blocks * size) _partials = new float[blocks * size];
        var partials = _partials;

        RowParallel.For(blocks, 1, workers, (_, block, _) =>
        {
            var start = block * RowsPerBlock;
            AccumulateBlock(factors, start, Math.Min(start + RowsPerBlock, factors.Rows), partials.AsSpan(block * size, size), Stride);
        });

        var values = _values.AsSpan();
        values.Clear();
        for (var block = 0; block < blocks; block++)
            FactorKernels.MultiplyAdd(partials.AsSpan(block * size, size), 1f, values);
    }

    private static void AccumulateBlock(FactorMatrix factors, int start, int end, Span<float> partial, int stride)
    {
        partial.Clear();
        ref var matrix = ref MemoryMarshal.GetReference(partial);
        var data = factors.AsSpan();
        var row = start;
        for (; row + 4 <= end; row += 4)
        {
            FactorKernels.AddRank4(ref matrix, stride,
                ref data[row * stride], ref data[(row + 1) * stride], ref data[(row + 2) * stride], ref data[(row + 3) * stride], 1f, 1f, 1f, 1f, stride);
        }
        for (; row < end; row++)
            FactorKernels.AddOuterProduct(ref matrix, stride, ref data[row * stride], 1f, stride);
    }
}
