using System.Numerics.Tensors;
using BatchJobs.Embeddings.Sparse;

namespace BatchJobs.Embeddings.Als;

/// <summary>
/// The ALS update of up to four rows by a few conjugate-gradient steps each on A x = b, where
/// A = G + lambda I + sum_i w_i y_i y_i^T and b = sum_i (1 + w_i) y_i (w_i = c_i - 1, G = Y^T Y), without ever
/// forming A: A p = G p + lambda p + sum_i w_i (y_i . p) y_i (benfred/implicit's approach).
/// </summary>
/// <remarks>
/// Warm-started from the current x, so a few steps per iteration suffice. The rows of a block step in lockstep
/// so each product with G reads G once for four rows: at 128 factors G (64 KB) no longer fits the L1 cache
/// and reading it dominated. The rest is per row: all dot products y_i . p first, then one accumulation of the
/// scaled y_i with the output held in registers. A row's arithmetic does not depend on the other rows of its
/// block. All vectors have the padded stride length; the padding stays zero. Nothing is allocated. A row
/// without interactions gets the exact solution, the zero vector.
/// </remarks>
internal static class ConjugateGradientSolver
{
    /// <summary>Rows solved together.</summary>
    public const int BlockRows = 4;

    // Below this squared residual norm a row is solved to float precision; further steps would divide by ~0.
    private const float ConvergedResidual = 1e-20f;

    /// <summary>Improves rows <paramref name="firstRow"/> .. + <paramref name="rowCount"/> - 1 of
    /// <paramref name="solved"/> in place with up to <paramref name="steps"/> CG steps each.</summary>
    /// <param name="gram">G = Y^T Y of the fixed side, stride x stride.</param>
    /// <param name="fixedSide">The fixed side's factors (Y).</param>
    /// <param name="weights">The solved side's interactions (rows of Y) with w = c - 1 as values.</param>
    /// <param name="firstRow">First row of the block.</param>
    /// <param name="rowCount">1 to <see cref="BlockRows"/> rows.</param>
    /// <param name="options">Regularisation (per row) and nothing else is read.</param>
    /// <param name="solved">The vectors being solved: warm starts in, updates out.</param>
    /// <param name="scratch">The worker's scratch: at least 3 x <see cref="BlockRows"/> + 2 vectors.</param>
    /// <param name="steps">Maximum CG steps.</param>
    public static void SolveBlock(ReadOnlySpan<float> gram, FactorMatrix fixedSide, CsrMatrix weights, int firstRow, int rowCount,
        ImplicitAlsOptions options, FactorMatrix solved, WorkerScratch scratch, int steps)
    {
        var stride = solved.Stride;
        Span<float> regularization = stackalloc float[BlockRows];
        Span<float> rsOld = stackalloc float[BlockRows];
        Span<bool> active = stackalloc bool[BlockRows];
        ref var y = ref fixedSide.First;
        var coefficients = scratch.Coefficients;

        var zero = scratch.Vector(3 * BlockRows);
        var spare = scratch.Vector(3 * BlockRows + 1);
        zero.Clear();
        for (var b = 0; b < BlockRows; b++)
        {
            var row = firstRow + b;
            active[b] = b < rowCount && weights.RowLength(row) > 0;
            if (b < rowCount && !active[b]) solved.PaddedRow(row).Clear();
            regularization[b] = b < rowCount ? options.RowRegularization(weights.RowLength(row)) : 0f;
        }

        // r = b - A x = sum_i (1 + w_i - w_i (y_i . x)) y_i - (G + lambda I) x
        FactorKernels.SymmetricMultiply4(gram, stride,
            Input(active, 0, solved, firstRow, zero), Input(active, 1, solved, firstRow, zero),
            Input(active, 2, solved, firstRow, zero), Input(active, 3, solved, firstRow, zero),
            regularization[0], regularization[1], regularization[2], regularization[3],
            Output(active, 0, scratch, spare), Output(active, 1, scratch, spare), Output(active, 2, scratch, spare), Output(active, 3, scratch, spare));
        for (var b = 0; b < BlockRows; b++)
        {
            if (!active[b]) continue;
            var x = solved.PaddedRow(firstRow + b);
            var r = R(scratch, b);
            var indices = weights.RowIndices(firstRow + b);
            var w = weights.RowValues(firstRow + b);
            var d = coefficients.AsSpan(0, indices.Length);
            TensorPrimitives.Negate(Ap(scratch, b), r);
            FactorKernels.DotRows(ref y, stride, indices, ref x[0], stride, d);
            for (var n = 0; n < d.Length; n++) d[n] = 1f + w[n] - w[n] * d[n];
            FactorKernels.AddScaledRows(ref y, stride, indices, d, ref r[0], stride);
            r.CopyTo(P(scratch, b));
            rsOld[b] = FactorKernels.Dot(r, r);
            active[b] = rsOld[b] >= ConvergedResidual;
        }

        for (var step = 0; step < steps; step++)
        {
            if (!active.Contains(true)) return;
            // A p = (G + lambda I) p + sum_i w_i (y_i . p) y_i
            FactorKernels.SymmetricMultiply4(gram, stride,
                active[0] ? P(scratch, 0) : zero, active[1] ? P(scratch, 1) : zero, active[2] ? P(scratch, 2) : zero, active[3] ? P(scratch, 3) : zero,
                regularization[0], regularization[1], regularization[2], regularization[3],
                Output(active, 0, scratch, spare), Output(active, 1, scratch, spare), Output(active, 2, scratch, spare), Output(active, 3, scratch, spare));
            for (var b = 0; b < BlockRows; b++)
            {
                if (!active[b]) continue;
                var x = solved.PaddedRow(firstRow + b);
                var r = R(scratch, b);
                var p = P(scratch, b);
                var ap = Ap(scratch, b);
                var indices = weights.RowIndices(firstRow + b);
                var d = coefficients.AsSpan(0, indices.Length);
                FactorKernels.DotRows(ref y, stride, indices, ref p[0], stride, d);
                TensorPrimitives.Multiply(d, weights.RowValues(firstRow + b), d);
                FactorKernels.AddScaledRows(ref y, stride, indices, d, ref ap[0], stride);

                var alpha = rsOld[b] / FactorKernels.Dot(p, ap);
                FactorKernels.MultiplyAdd(p, alpha, x);
                FactorKernels.MultiplyAdd(ap, -alpha, r);
                var rsNew = FactorKernels.Dot(r, r);
                if (rsNew < ConvergedResidual)
                {
                    active[b] = false;
                    continue;
                }
                FactorKernels.ScaleAdd(p, rsNew / rsOld[b], r);
                rsOld[b] = rsNew;
            }
        }
    }

    private static Span<float> R(WorkerScratch scratch, int b) => scratch.Vector(b);

    private static Span<float> P(WorkerScratch scratch, int b) => scratch.Vector(BlockRows + b);

    private static Span<float> Ap(WorkerScratch scratch, int b) => scratch.Vector(2 * BlockRows + b);

    // Rows that are not active multiply the zero vector into the spare output (the product always takes four).
    private static Span<float> Input(ReadOnlySpan<bool> active, int b, FactorMatrix solved, int firstRow, Span<float> zero) =>
        active[b] ? solved.PaddedRow(firstRow + b) : zero;

    private static Span<float> Output(ReadOnlySpan<bool> active, int b, WorkerScratch scratch, Span<float> spare) =>
        active[b] ? Ap(scratch, b) : spare;
}
