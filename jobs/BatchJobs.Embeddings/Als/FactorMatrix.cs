using System.Runtime.InteropServices;

namespace BatchJobs.Embeddings.Als;

/// <summary>
/// A dense row-major float32 matrix of factor vectors (one row per user or item) whose rows start on 64-byte
/// boundaries and are padded with zeros to <see cref="Stride"/>, a multiple of 16 floats, so SIMD kernels work
/// on whole Vector512 blocks and never split a cache line.
/// </summary>
/// <remarks>
/// The padding columns are zero and must stay zero: kernels rely on it. <see cref="Row"/> exposes only the
/// <see cref="Factors"/> meaningful values. Not synchronised: concurrent writers must touch distinct rows.
/// </remarks>
public sealed class FactorMatrix
{
    private const int AlignmentBytes = 64;
    private const int FloatsPerBlock = 16;

    private readonly float[] _buffer;
    private readonly int _offset;

    /// <summary>Allocates a zero matrix of <paramref name="rows"/> x <paramref name="factors"/>.</summary>
    public FactorMatrix(int rows, int factors)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(factors, 1);
        Rows = rows;
        Factors = factors;
        Stride = PaddedLength(factors);
        var length = checked((long)rows * Stride);
        if (length > Array.MaxLength - FloatsPerBlock)
            throw new ArgumentOutOfRangeException(nameof(rows), $"{rows} rows of {Stride} floats exceed the largest array; train on fewer rows or factors.");
        // Pinned (on the pinned object heap) so the aligned start computed once stays aligned.
        _buffer = GC.AllocateArray<float>((int)length + FloatsPerBlock, pinned: true);
        var address = (nint)Marshal.UnsafeAddrOfPinnedArrayElement(_buffer, 0);
        var misalignment = (int)(address & (AlignmentBytes - 1));
        _offset = misalignment == 0 ? 0 : (AlignmentBytes - misalignment) / sizeof(float);
    }

    /// <summary>Number of rows (users or items).</summary>
    public int Rows { get; }

    /// <summary>Number of meaningful columns k.</summary>
    public int Factors { get; }

    /// <summary>Distance in floats between the starts of consecutive rows: k rounded up to a multiple of 16.</summary>
    public int Stride { get; }

    /// <summary>The <see cref="Factors"/> values of one row.</summary>
    public Span<float> Row(int row) => _buffer.AsSpan(Start(row), Factors);

    /// <summary>All rows including their zero padding (<see cref="Rows"/> x <see cref="Stride"/> floats), for
    /// kernels that walk the matrix with <see cref="Stride"/>.</summary>
    public Span<float> AsSpan() => _buffer.AsSpan(_offset, Rows * Stride);

    /// <summary>One row including its padding (<see cref="Stride"/> floats).</summary>
    internal Span<float> PaddedRow(int row) => _buffer.AsSpan(Start(row), Stride);

    /// <summary>A reference to the first element of row 0 (64-byte aligned).</summary>
    internal ref float First => ref _buffer[_offset];

    /// <summary>The stride used for <paramref name="factors"/> columns.</summary>
    internal static int PaddedLength(int factors) => (factors + FloatsPerBlock - 1) / FloatsPerBlock * FloatsPerBlock;

    private int Start(int row)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} is outside 0..{Rows - 1}.");
        return _offset + row * Stride;
    }
}
