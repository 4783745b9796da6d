namespace BatchJobs.Embeddings.Als;

/// <summary>
/// One worker's scratch for row solves, allocated once per training run: a few stride-length vectors,
/// one value per interaction of the longest row, and, for Cholesky, a stride x stride system matrix; the
/// vectors and the matrix are 64-byte aligned.
/// </summary>
internal sealed class WorkerScratch
{
    private const int VectorCount = 3 * ConjugateGradientSolver.BlockRows + 2;

    private readonly FactorMatrix _buffer;
    private readonly int _systemRows;

    /// <summary>Allocates scratch for vectors of <paramref name="stride"/> floats, with a system matrix if asked.</summary>
    public WorkerScratch(int stride, int maxRowLength, bool withSystem)
    {
        Coefficients = new float[maxRowLength];
        _systemRows = withSystem ? stride : 0;
        _buffer = new FactorMatrix(_systemRows + VectorCount, stride);
        Stride = stride;
    }

    /// <summary>Length of each vector and row of the system.</summary>
    public int Stride { get; }

    /// <summary>Scratch vector 0 to 13.</summary>
    public Span<float> Vector(int index) => _buffer.PaddedRow(_systemRows + index);

    /// <summary>One value per interaction of the longest row.</summary>
    public float[] Coefficients { get; }

    /// <summary>The stride x stride system matrix (empty when allocated without one).</summary>
    public Span<float> System => _buffer.AsSpan()[..(_systemRows * Stride)];
}
