using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BatchJobs.Embeddings.Als;

/// <summary>
/// One row's exact ALS update: forms A = G + lambda I + sum_i w_i y_i y_i^T and b = sum_i (1 + w_i) y_i
/// (w_i = c_i - 1, G = Y^T Y) in caller scratch, factors A = L L^T and solves A x = b.
/// </summary>
/// <remarks>
/// Costs O(n k^2 + k^3) per row against CG's O(steps (n k + k^2)); it is the reference the CG solver converges
/// to and what serving uses to recompute one user. A row without interactions gets the zero vector.
/// </remarks>
internal static class CholeskySolver
{
    /// <summary>Overwrites <paramref name="x"/> with the exact solution of the row's normal equations.</summary>
    /// <param name="gram">G = Y^T Y of the fixed side, stride x stride.</param>
    /// <param name="fixedFactors">Row 0 of the fixed side's factor matrix (rows of <paramref name="stride"/> floats).</param>
    /// <param name="stride">Padded vector length.</param>
    /// <param name="factors">k, the meaningful part of each vector.</param>
    /// <param name="indices">The row's interactions: rows of the fixed side.</param>
    /// <param name="weights">w_i = c_i - 1 of each interaction.</param>
    /// <param name="regularization">This row's lambda.</param>
    /// <param name="x">The row's vector (stride floats); padding is left zero.</param>
    /// <param name="system">Scratch (stride x stride floats): A, then its Cholesky factor.</param>
    /// <param name="rhs">Scratch (stride floats): b.</param>
    /// <exception cref="InvalidOperationException">A is not positive definite in float precision.</exception>
    public static void SolveRow(ReadOnlySpan<float> gram, ref float fixedFactors, int stride, int factors, ReadOnlySpan<int> indices,
        ReadOnlySpan<float> weights, float regularization, Span<float> x, Span<float> system, Span<float> rhs)
    {
        x.Clear();
        if (indices.IsEmpty) return;

        gram.CopyTo(system);
        for (var j = 0; j < factors; j++) system[j * stride + j] += regularization;
        rhs.Clear();
        ref var a = ref MemoryMarshal.GetReference(system);
        ref var b = ref MemoryMarshal.GetReference(rhs);
        var n = 0;
        // Four outer products per sweep over A: the update is bound by A's loads and stores, not by FMAs.
        for (; n + 4 <= indices.Length; n += 4)
        {
            ref var y0 = ref Unsafe.Add(ref fixedFactors, (nint)indices[n] * stride);
            ref var y1 = ref Unsafe.Add(ref fixedFactors, (nint)indices[n + 1] * stride);
            ref var y2 = ref Unsafe.Add(ref fixedFactors, (nint)indices[n + 2] * stride);
            ref var y3 = ref Unsafe.Add(ref fixedFactors, (nint)indices[n + 3] * stride);
            FactorKernels.AddRank4(ref a, stride, ref y0, ref y1, ref y2, ref y3, weights[n], weights[n + 1], weights[n + 2], weights[n + 3], factors);
            FactorKernels.MultiplyAdd(ref y0, 1f + weights[n], ref b, factors);
            FactorKernels.MultiplyAdd(ref y1, 1f + weights[n + 1], ref b, factors);
            FactorKernels.MultiplyAdd(ref y2, 1f + weights[n + 2], ref b, factors);
            FactorKernels.MultiplyAdd(ref y3, 1f + weights[n + 3], ref b, factors);
        }
        for (; n < indices.Length; n++)
        {
            ref var y = ref Unsafe.Add(ref fixedFactors, (nint)indices[n] * stride);
            FactorKernels.AddOuterProduct(ref a, stride, ref y, weights[n], factors);
            FactorKernels.MultiplyAdd(ref y, 1f + weights[n], ref b, factors);
        }

        if (!Factor(system, stride, factors))
            throw new InvalidOperationException($"A row's normal equations (with {indices.Length} interactions) are not positive definite in float precision; increase Regularization.");
        Solve(system, stride, factors, rhs);
        rhs[..factors].CopyTo(x);
    }

    /// <summary>
    /// In-place Cholesky factorisation (row by row) of the symmetric positive definite n x n block: on return the
    /// lower triangle holds L with A = L L^T; the strict upper triangle is left as it was.
    /// </summary>
    /// <returns>False when a pivot is not positive (A is not positive definite in float precision).</returns>
    public static bool Factor(Span<float> matrix, int stride, int n)
    {
        ref var m = ref MemoryMarshal.GetReference(matrix);
        for (var i = 0; i < n; i++)
        {
            ref var rowI = ref Unsafe.Add(ref m, i * stride);
            for (var j = 0; j < i; j++)
            {
                ref var rowJ = ref Unsafe.Add(ref m, j * stride);
                var sum = Unsafe.Add(ref rowI, j) - FactorKernels.Dot(ref rowI, ref rowJ, j);
                Unsafe.Add(ref rowI, j) = sum / Unsafe.Add(ref rowJ, j);
            }
            var pivot = Unsafe.Add(ref rowI, i) - FactorKernels.Dot(ref rowI, ref rowI, i);
            if (!(pivot > 0f)) return false;
            Unsafe.Add(ref rowI, i) = MathF.Sqrt(pivot);
        }
        return true;
    }

    /// <summary>Solves L L^T x = b in place (b in, x out) with the factor from <see cref="Factor"/>.</summary>
    public static void Solve(ReadOnlySpan<float> factor, int stride, int n, Span<float> rhs)
    {
        ref var l = ref MemoryMarshal.GetReference(factor);
        ref var v = ref MemoryMarshal.GetReference(rhs);
        // L z = b, row by row.
        for (var i = 0; i < n; i++)
        {
            ref var row = ref Unsafe.Add(ref l, i * stride);
            Unsafe.Add(ref v, i) = (Unsafe.Add(ref v, i) - FactorKernels.Dot(ref row, ref v, i)) / Unsafe.Add(ref row, i);
        }
        // L^T x = z from the last unknown up; each solved x_i is subtracted from the earlier equations along row
        // i of L, so the column access of L^T becomes a contiguous row access.
        for (var i = n - 1; i >= 0; i--)
        {
            ref var row = ref Unsafe.Add(ref l, i * stride);
            var xi = Unsafe.Add(ref v, i) / Unsafe.Add(ref row, i);
            Unsafe.Add(ref v, i) = xi;
            FactorKernels.MultiplyAdd(ref row, -xi, ref v, i);
        }
    }
}
