using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BatchJobs.Embeddings.Als;

/// <summary>
/// The dense vector kernels of ALS (dot product, scaled add, symmetric matrix-vector products, rank-1 and
/// rank-4 updates, and the gathered products with a row's item vectors), each with a Vector512 → Vector256 →
/// scalar cascade, and a plain scalar twin kept as the test oracle.
/// </summary>
/// <remarks>
/// The ref-based overloads are the hot path: they take a length and do no bounds checks, so callers pass
/// references into arrays they have validated. The span overloads check lengths and are what tests call.
/// The summation order depends only on the length, never on threads, so results are reproducible.
/// Matrices are row-major with a row stride (in floats) of at least the length.
/// </remarks>
internal static class FactorKernels
{
    /// <summary>The sum of a[i] * b[i].</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"Lengths differ: {a.Length} and {b.Length}.", nameof(b));
        return Dot(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b), a.Length);
    }

    /// <summary>y[i] += scale * x[i].</summary>
    public static void MultiplyAdd(ReadOnlySpan<float> x, float scale, Span<float> y)
    {
        if (x.Length != y.Length) throw new ArgumentException($"Lengths differ: {x.Length} and {y.Length}.", nameof(y));
        MultiplyAdd(ref MemoryMarshal.GetReference(x), scale, ref MemoryMarshal.GetReference(y), x.Length);
    }

    /// <summary>p[i] = scale * p[i] + r[i] (the conjugate-gradient direction update).</summary>
    public static void ScaleAdd(Span<float> p, float scale, ReadOnlySpan<float> r)
    {
        if (p.Length != r.Length) throw new ArgumentException($"Lengths differ: {p.Length} and {r.Length}.", nameof(r));
        ScaleAdd(ref MemoryMarshal.GetReference(p), scale, ref MemoryMarshal.GetReference(r), p.Length);
    }

    /// <summary>y = (M + diagonal * I) x for a symmetric n x n matrix M stored with row stride <paramref name="stride"/>.</summary>
    public static void SymmetricMultiply(ReadOnlySpan<float> matrix, int stride, ReadOnlySpan<float> x, float diagonal, Span<float> y)
    {
        CheckMatrix(matrix.Length, stride, x.Length);
        if (y.Length != x.Length) throw new ArgumentException($"Lengths differ: {x.Length} and {y.Length}.", nameof(y));
        SymmetricMultiply(ref MemoryMarshal.GetReference(matrix), stride, ref MemoryMarshal.GetReference(x), diagonal,
            ref MemoryMarshal.GetReference(y), x.Length);
    }

    /// <summary>
    /// Four products at once: y_r = (M + d_r I) x_r for r = 0..3, reading M once for all four (M is what limits
    /// the speed once it no longer fits the L1 cache). Each y_r is computed exactly as the other three are absent.
    /// </summary>
    public static void SymmetricMultiply4(ReadOnlySpan<float> matrix, int stride, ReadOnlySpan<float> x0, ReadOnlySpan<float> x1, ReadOnlySpan<float> x2,
        ReadOnlySpan<float> x3, float d0, float d1, float d2, float d3, Span<float> y0, Span<float> y1, Span<float> y2, Span<float> y3)
    {
        var n = x0.Length;
        if (x1.Length != n || x2.Length != n || x3.Length != n || y0.Length != n || y1.Length != n || y2.Length != n || y3.Length != n)
            throw new ArgumentException("All eight vectors must have the same length.");
        CheckMatrix(matrix.Length, stride, n);
        SymmetricMultiply4(ref MemoryMarshal.GetReference(matrix), stride,
            ref MemoryMarshal.GetReference(x0), ref MemoryMarshal.GetReference(x1), ref MemoryMarshal.GetReference(x2), ref MemoryMarshal.GetReference(x3),
            d0, d1, d2, d3,
            ref MemoryMarshal.GetReference(y0), ref MemoryMarshal.GetReference(y1), ref MemoryMarshal.GetReference(y2), ref MemoryMarshal.GetReference(y3), n);
    }

    /// <summary>M += scale * x x^T on the n x n block of M (row stride <paramref name="stride"/>), n = x.Length.</summary>
    public static void AddOuterProduct(Span<float> matrix, int stride, ReadOnlySpan<float> x, float scale)
    {
        CheckMatrix(matrix.Length, stride, x.Length);
        AddOuterProduct(ref MemoryMarshal.GetReference(matrix), stride, ref MemoryMarshal.GetReference(x), scale, x.Length);
    }

    /// <summary>M += sum over r = 0..3 of w_r y_r y_r^T on the n x n block, n = the common length of the y_r.</summary>
    public static void AddRank4(Span<float> matrix, int stride, ReadOnlySpan<float> y0, ReadOnlySpan<float> y1, ReadOnlySpan<float> y2, ReadOnlySpan<float> y3,
        float w0, float w1, float w2, float w3)
    {
        var n = y0.Length;
        if (y1.Length != n || y2.Length != n || y3.Length != n) throw new ArgumentException("The four vectors must have the same length.");
        CheckMatrix(matrix.Length, stride, n);
        AddRank4(ref MemoryMarshal.GetReference(matrix), stride, ref MemoryMarshal.GetReference(y0), ref MemoryMarshal.GetReference(y1),
            ref MemoryMarshal.GetReference(y2), ref MemoryMarshal.GetReference(y3), w0, w1, w2, w3, n);
    }

    /// <summary>destination[n] = row indices[n] of <paramref name="rows"/> (row stride <paramref name="stride"/>) . x.</summary>
    public static void DotRows(ReadOnlySpan<float> rows, int stride, ReadOnlySpan<int> indices, ReadOnlySpan<float> x, Span<float> destination)
    {
        CheckRows(rows.Length, stride, indices, x.Length);
        if (destination.Length < indices.Length) throw new ArgumentException($"destination holds {destination.Length} values; {indices.Length} are needed.", nameof(destination));
        DotRows(ref MemoryMarshal.GetReference(rows), stride, indices, ref MemoryMarshal.GetReference(x), x.Length, destination);
    }

    /// <summary>y += sum over n of coefficients[n] * row indices[n] of <paramref name="rows"/> (row stride <paramref name="stride"/>).</summary>
    public static void AddScaledRows(ReadOnlySpan<float> rows, int stride, ReadOnlySpan<int> indices, ReadOnlySpan<float> coefficients, Span<float> y)
    {
        CheckRows(rows.Length, stride, indices, y.Length);
        if (coefficients.Length < indices.Length) throw new ArgumentException($"coefficients holds {coefficients.Length} values; {indices.Length} are needed.", nameof(coefficients));
        AddScaledRows(ref MemoryMarshal.GetReference(rows), stride, indices, coefficients, ref MemoryMarshal.GetReference(y), y.Length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ref float a, ref float b, int length)
    {
        nuint i = 0, n = (nuint)length;
        var sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            // Two accumulators halve the FMA dependency chain of the 64- and 128-float rows ALS uses.
            var acc0 = Vector512<float>.Zero;
            var acc1 = Vector512<float>.Zero;
            for (; i + 32 <= n; i += 32)
            {
                acc0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref a, i), Vector512.LoadUnsafe(ref b, i), acc0);
                acc1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref a, i + 16), Vector512.LoadUnsafe(ref b, i + 16), acc1);
            }
            if (i + 16 <= n)
            {
                acc0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref a, i), Vector512.LoadUnsafe(ref b, i), acc0);
                i += 16;
            }
            sum = Vector512.Sum(acc0 + acc1);
        }
        if (Vector256.IsHardwareAccelerated && i + 8 <= n)
        {
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8)
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i), acc);
            sum += Vector256.Sum(acc);
        }
        for (; i < n; i++) sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref a, i), Unsafe.Add(ref b, i), sum);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd(ref float x, float scale, ref float y, int length)
    {
        nuint i = 0, n = (nuint)length;
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(scale);
            for (; i + 16 <= n; i += 16)
                Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x, i), s, Vector512.LoadUnsafe(ref y, i)).StoreUnsafe(ref y, i);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(scale);
            for (; i + 8 <= n; i += 8)
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, i), s, Vector256.LoadUnsafe(ref y, i)).StoreUnsafe(ref y, i);
        }
        for (; i < n; i++) Unsafe.Add(ref y, i) = MathF.FusedMultiplyAdd(Unsafe.Add(ref x, i), scale, Unsafe.Add(ref y, i));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ScaleAdd(ref float p, float scale, ref float r, int length)
    {
        nuint i = 0, n = (nuint)length;
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(scale);
            for (; i + 16 <= n; i += 16)
                Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref p, i), s, Vector512.LoadUnsafe(ref r, i)).StoreUnsafe(ref p, i);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(scale);
            for (; i + 8 <= n; i += 8)
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref p, i), s, Vector256.LoadUnsafe(ref r, i)).StoreUnsafe(ref p, i);
        }
        for (; i < n; i++) Unsafe.Add(ref p, i) = MathF.FusedMultiplyAdd(Unsafe.Add(ref p, i), scale, Unsafe.Add(ref r, i));
    }

    public static void SymmetricMultiply(ref float matrix, int stride, ref float x, float diagonal, ref float y, int length)
    {
        // y[c] = diagonal * x[c] + sum_j M[j, c] * x[j]: walking rows j of M (= its columns, by symmetry) keeps
        // every load contiguous; a block of output columns stays in registers for the whole sweep over j.
        nuint c = 0, n = (nuint)length, s = (nuint)stride;
        if (Vector512.IsHardwareAccelerated)
        {
            var d = Vector512.Create(diagonal);
            for (; c + 64 <= n; c += 64)
            {
                // Eight independent FMA chains (four column blocks, even and odd j) keep both FMA pipes busy.
                var a0 = d * Vector512.LoadUnsafe(ref x, c);
                var a1 = d * Vector512.LoadUnsafe(ref x, c + 16);
                var a2 = d * Vector512.LoadUnsafe(ref x, c + 32);
                var a3 = d * Vector512.LoadUnsafe(ref x, c + 48);
                Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;
                nuint j = 0;
                for (; j + 2 <= n; j += 2)
                {
                    ref var row = ref Unsafe.Add(ref matrix, j * s + c);
                    ref var next = ref Unsafe.Add(ref row, s);
                    var xj = Vector512.Create(Unsafe.Add(ref x, j));
                    var xk = Vector512.Create(Unsafe.Add(ref x, j + 1));
                    a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row), xj, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 16), xj, a1);
                    a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 32), xj, a2);
                    a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 48), xj, a3);
                    b0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref next), xk, b0);
                    b1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref next, 16), xk, b1);
                    b2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref next, 32), xk, b2);
                    b3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref next, 48), xk, b3);
                }
                if (j < n)
                {
                    ref var row = ref Unsafe.Add(ref matrix, j * s + c);
                    var xj = Vector512.Create(Unsafe.Add(ref x, j));
                    a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row), xj, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 16), xj, a1);
                    a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 32), xj, a2);
                    a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 48), xj, a3);
                }
                (a0 + b0).StoreUnsafe(ref y, c);
                (a1 + b1).StoreUnsafe(ref y, c + 16);
                (a2 + b2).StoreUnsafe(ref y, c + 32);
                (a3 + b3).StoreUnsafe(ref y, c + 48);
            }
            for (; c + 32 <= n; c += 32)
            {
                // Even and odd j go to separate accumulators: four independent FMA chains instead of two.
                var a0 = d * Vector512.LoadUnsafe(ref x, c);
                var a1 = d * Vector512.LoadUnsafe(ref x, c + 16);
                var b0 = Vector512<float>.Zero;
                var b1 = Vector512<float>.Zero;
                nuint j = 0;
                for (; j + 2 <= n; j += 2)
                {
                    ref var row = ref Unsafe.Add(ref matrix, j * s + c);
                    var xj = Vector512.Create(Unsafe.Add(ref x, j));
                    var xk = Vector512.Create(Unsafe.Add(ref x, j + 1));
                    a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row), xj, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 16), xj, a1);
                    b0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, s), xk, b0);
                    b1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, s + 16), xk, b1);
                }
                if (j < n)
                {
                    ref var row = ref Unsafe.Add(ref matrix, j * s + c);
                    var xj = Vector512.Create(Unsafe.Add(ref x, j));
                    a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row), xj, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 16), xj, a1);
                }
                (a0 + b0).StoreUnsafe(ref y, c);
                (a1 + b1).StoreUnsafe(ref y, c + 16);
            }
            for (; c + 16 <= n; c += 16)
            {
                var a0 = d * Vector512.LoadUnsafe(ref x, c);
                for (nuint j = 0; j < n; j++)
                    a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref matrix, j * s + c), Vector512.Create(Unsafe.Add(ref x, j)), a0);
                a0.StoreUnsafe(ref y, c);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var d = Vector256.Create(diagonal);
            for (; c + 8 <= n; c += 8)
            {
                var a0 = d * Vector256.LoadUnsafe(ref x, c);
                for (nuint j = 0; j < n; j++)
                    a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref matrix, j * s + c), Vector256.Create(Unsafe.Add(ref x, j)), a0);
                a0.StoreUnsafe(ref y, c);
            }
        }
        for (; c < n; c++)
        {
            var sum = diagonal * Unsafe.Add(ref x, c);
            for (nuint j = 0; j < n; j++) sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref matrix, j * s + c), Unsafe.Add(ref x, j), sum);
            Unsafe.Add(ref y, c) = sum;
        }
    }

    public static void SymmetricMultiply4(ref float matrix, int stride, ref float x0, ref float x1, ref float x2, ref float x3,
        float d0, float d1, float d2, float d3, ref float y0, ref float y1, ref float y2, ref float y3, int length)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            SymmetricMultiply(ref matrix, stride, ref x0, d0, ref y0, length);
            SymmetricMultiply(ref matrix, stride, ref x1, d1, ref y1, length);
            SymmetricMultiply(ref matrix, stride, ref x2, d2, ref y2, length);
            SymmetricMultiply(ref matrix, stride, ref x3, d3, ref y3, length);
            return;
        }
        // Per output row and column block one FMA chain over j, in the same order whatever the other rows are.
        nuint c = 0, n = (nuint)length, s = (nuint)stride;
        for (; c + 32 <= n; c += 32)
        {
            var a0 = d0 * Vector512.LoadUnsafe(ref x0, c);
            var a1 = d0 * Vector512.LoadUnsafe(ref x0, c + 16);
            var b0 = d1 * Vector512.LoadUnsafe(ref x1, c);
            var b1 = d1 * Vector512.LoadUnsafe(ref x1, c + 16);
            var e0 = d2 * Vector512.LoadUnsafe(ref x2, c);
            var e1 = d2 * Vector512.LoadUnsafe(ref x2, c + 16);
            var f0 = d3 * Vector512.LoadUnsafe(ref x3, c);
            var f1 = d3 * Vector512.LoadUnsafe(ref x3, c + 16);
            for (nuint j = 0; j < n; j++)
            {
                ref var row = ref Unsafe.Add(ref matrix, j * s + c);
                var m0 = Vector512.LoadUnsafe(ref row);
                var m1 = Vector512.LoadUnsafe(ref row, 16);
                var v = Vector512.Create(Unsafe.Add(ref x0, j));
                a0 = Vector512.FusedMultiplyAdd(m0, v, a0);
                a1 = Vector512.FusedMultiplyAdd(m1, v, a1);
                v = Vector512.Create(Unsafe.Add(ref x1, j));
                b0 = Vector512.FusedMultiplyAdd(m0, v, b0);
                b1 = Vector512.FusedMultiplyAdd(m1, v, b1);
                v = Vector512.Create(Unsafe.Add(ref x2, j));
                e0 = Vector512.FusedMultiplyAdd(m0, v, e0);
                e1 = Vector512.FusedMultiplyAdd(m1, v, e1);
                v = Vector512.Create(Unsafe.Add(ref x3, j));
                f0 = Vector512.FusedMultiplyAdd(m0, v, f0);
                f1 = Vector512.FusedMultiplyAdd(m1, v, f1);
            }
            a0.StoreUnsafe(ref y0, c);
            a1.StoreUnsafe(ref y0, c + 16);
            b0.StoreUnsafe(ref y1, c);
            b1.StoreUnsafe(ref y1, c + 16);
            e0.StoreUnsafe(ref y2, c);
            e1.StoreUnsafe(ref y2, c + 16);
            f0.StoreUnsafe(ref y3, c);
            f1.StoreUnsafe(ref y3, c + 16);
        }
        for (; c + 16 <= n; c += 16)
        {
            var a0 = d0 * Vector512.LoadUnsafe(ref x0, c);
            var b0 = d1 * Vector512.LoadUnsafe(ref x1, c);
            var e0 = d2 * Vector512.LoadUnsafe(ref x2, c);
            var f0 = d3 * Vector512.LoadUnsafe(ref x3, c);
            for (nuint j = 0; j < n; j++)
            {
                var m0 = Vector512.LoadUnsafe(ref matrix, j * s + c);
                a0 = Vector512.FusedMultiplyAdd(m0, Vector512.Create(Unsafe.Add(ref x0, j)), a0);
                b0 = Vector512.FusedMultiplyAdd(m0, Vector512.Create(Unsafe.Add(ref x1, j)), b0);
                e0 = Vector512.FusedMultiplyAdd(m0, Vector512.Create(Unsafe.Add(ref x2, j)), e0);
                f0 = Vector512.FusedMultiplyAdd(m0, Vector512.Create(Unsafe.Add(ref x3, j)), f0);
            }
            a0.StoreUnsafe(ref y0, c);
            b0.StoreUnsafe(ref y1, c);
            e0.StoreUnsafe(ref y2, c);
            f0.StoreUnsafe(ref y3, c);
        }
        for (; c < n; c++)
        {
            float a = d0 * Unsafe.Add(ref x0, c), b = d1 * Unsafe.Add(ref x1, c), e = d2 * Unsafe.Add(ref x2, c), f = d3 * Unsafe.Add(ref x3, c);
            for (nuint j = 0; j < n; j++)
            {
                var m = Unsafe.Add(ref matrix, j * s + c);
                a = MathF.FusedMultiplyAdd(m, Unsafe.Add(ref x0, j), a);
                b = MathF.FusedMultiplyAdd(m, Unsafe.Add(ref x1, j), b);
                e = MathF.FusedMultiplyAdd(m, Unsafe.Add(ref x2, j), e);
                f = MathF.FusedMultiplyAdd(m, Unsafe.Add(ref x3, j), f);
            }
            Unsafe.Add(ref y0, c) = a;
            Unsafe.Add(ref y1, c) = b;
            Unsafe.Add(ref y2, c) = e;
            Unsafe.Add(ref y3, c) = f;
        }
    }

    public static void AddOuterProduct(ref float matrix, int stride, ref float x, float scale, int length)
    {
        for (var row = 0; row < length; row++)
        {
            MultiplyAdd(ref x, scale * Unsafe.Add(ref x, row), ref Unsafe.Add(ref matrix, (nint)row * stride), length);
        }
    }

    public static void AddRank4(ref float matrix, int stride, ref float y0, ref float y1, ref float y2, ref float y3,
        float w0, float w1, float w2, float w3, int length)
    {
        // One load and store of each matrix row per four outer products: the update is bound by those, not FMAs.
        nuint n = (nuint)length;
        for (nuint row = 0; row < n; row++)
        {
            ref var m = ref Unsafe.Add(ref matrix, row * (nuint)stride);
            float s0 = w0 * Unsafe.Add(ref y0, row), s1 = w1 * Unsafe.Add(ref y1, row), s2 = w2 * Unsafe.Add(ref y2, row), s3 = w3 * Unsafe.Add(ref y3, row);
            nuint i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<float> v0 = Vector512.Create(s0), v1 = Vector512.Create(s1), v2 = Vector512.Create(s2), v3 = Vector512.Create(s3);
                for (; i + 16 <= n; i += 16)
                {
                    var acc = Vector512.LoadUnsafe(ref m, i);
                    acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref y0, i), v0, acc);
                    acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref y1, i), v1, acc);
                    acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref y2, i), v2, acc);
                    acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref y3, i), v3, acc);
                    acc.StoreUnsafe(ref m, i);
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<float> v0 = Vector256.Create(s0), v1 = Vector256.Create(s1), v2 = Vector256.Create(s2), v3 = Vector256.Create(s3);
                for (; i + 8 <= n; i += 8)
                {
                    var acc = Vector256.LoadUnsafe(ref m, i);
                    acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref y0, i), v0, acc);
                    acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref y1, i), v1, acc);
                    acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref y2, i), v2, acc);
                    acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref y3, i), v3, acc);
                    acc.StoreUnsafe(ref m, i);
                }
            }
            for (; i < n; i++)
            {
                var acc = Unsafe.Add(ref m, i);
                acc = MathF.FusedMultiplyAdd(Unsafe.Add(ref y0, i), s0, acc);
                acc = MathF.FusedMultiplyAdd(Unsafe.Add(ref y1, i), s1, acc);
                acc = MathF.FusedMultiplyAdd(Unsafe.Add(ref y2, i), s2, acc);
                acc = MathF.FusedMultiplyAdd(Unsafe.Add(ref y3, i), s3, acc);
                Unsafe.Add(ref m, i) = acc;
            }
        }
    }

    public static void DotRows(ref float rows, int stride, ReadOnlySpan<int> indices, ref float x, int length, Span<float> destination)
    {
        // Four rows at a time: their dot products are independent FMA chains, and four partial sums reduce
        // together in a handful of shuffles instead of a full horizontal sum per row.
        ref var index = ref MemoryMarshal.GetReference(indices);
        ref var result = ref MemoryMarshal.GetReference(destination);
        var count = indices.Length;
        var n = 0;
        if (Vector512.IsHardwareAccelerated && length >= 16)
        {
            var blocks = (nuint)(length / 16);
            for (; n + 4 <= count; n += 4)
            {
                ref var y0 = ref Unsafe.Add(ref rows, (nint)Unsafe.Add(ref index, n) * stride);
                ref var y1 = ref Unsafe.Add(ref rows, (nint)Unsafe.Add(ref index, n + 1) * stride);
                ref var y2 = ref Unsafe.Add(ref rows, (nint)Unsafe.Add(ref index, n + 2) * stride);
                ref var y3 = ref Unsafe.Add(ref rows, (nint)Unsafe.Add(ref index, n + 3) * stride);
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (nuint b = 0, offset = 0; b < blocks; b++, offset += 16)
                {
                    var xb = Vector512.LoadUnsafe(ref x, offset);
                    a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref y0, offset), xb, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref y1, offset), xb, a1);
                    a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref y2, offset), xb, a2);
                    a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref y3, offset), xb, a3);
                }
                var sums = Reduce4(a0.GetLower() + a0.GetUpper(), a1.GetLower() + a1.GetUpper(), a2.GetLower() + a2.GetUpper(), a3.GetLower() + a3.GetUpper());
                sums.StoreUnsafe(ref result, (nuint)n);
                AddTail(ref y0, ref y1, ref y2, ref y3, ref x, (int)blocks * 16, length, ref Unsafe.Add(ref result, n));
            }
        }
        else if (Vector256.IsHardwareAccelerated && length >= 8)
        {
            var blocks = (nuint)(length / 8);
            for (; n + 4 <= count; n += 4)
            {
                ref var y0 = ref Unsafe.Add(ref rows, (nint)Unsafe.Add(ref index, n) * stride);
                ref var y1 = ref Unsafe.Add(ref rows, (nint)Unsafe.Add(ref index, n + 1) * stride);
                ref var y2 = ref Unsafe.Add(ref rows, (nint)Unsafe.Add(ref index, n + 2) * stride);
                ref var y3 = ref Unsafe.Add(ref rows, (nint)Unsafe.Add(ref index, n + 3) * stride);
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (nuint b = 0, offset = 0; b < blocks; b++, offset += 8)
                {
                    var xb = Vector256.LoadUnsafe(ref x, offset);
                    a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref y0, offset), xb, a0);
                    a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref y1, offset), xb, a1);
                    a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref y2, offset), xb, a2);
                    a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref y3, offset), xb, a3);
                }
                Reduce4(a0, a1, a2, a3).StoreUnsafe(ref result, (nuint)n);
                AddTail(ref y0, ref y1, ref y2, ref y3, ref x, (int)blocks * 8, length, ref Unsafe.Add(ref result, n));
            }
        }
        for (; n < count; n++)
            Unsafe.Add(ref result, n) = Dot(ref Unsafe.Add(ref rows, (nint)Unsafe.Add(ref index, n) * stride), ref x, length);
    }

    public static void AddScaledRows(ref float rows, int stride, ReadOnlySpan<int> indices, ReadOnlySpan<float> coefficients, ref float y, int length)
    {
        // Output blocks stay in registers while every row streams through; even and odd rows feed separate
        // accumulators so consecutive FMAs do not wait on each other.
        ref var index = ref MemoryMarshal.GetReference(indices);
        ref var coefficient = ref MemoryMarshal.GetReference(coefficients);
        var count = indices.Length;
        nuint c = 0, n = (nuint)length;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; c + 64 <= n; c += 64)
            {
                var a0 = Vector512.LoadUnsafe(ref y, c);
                var a1 = Vector512.LoadUnsafe(ref y, c + 16);
                var a2 = Vector512.LoadUnsafe(ref y, c + 32);
                var a3 = Vector512.LoadUnsafe(ref y, c + 48);
                Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;
                var r = 0;
                for (; r + 2 <= count; r += 2)
                {
                    ref var row = ref Unsafe.Add(ref rows, (nint)Unsafe.Add(ref index, r) * stride + (nint)c);
                    ref var next = ref Unsafe.Add(ref rows, (nint)Unsafe.Add(ref index, r + 1) * stride + (nint)c);
                    var s = Vector512.Create(Unsafe.Add(ref coefficient, r));
                    var t = Vector512.Create(Unsafe.Add(ref coefficient, r + 1));
                    a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row), s, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 16), s, a1);
                    a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 32), s, a2);
                    a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 48), s, a3);
                    b0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref next), t, b0);
                    b1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref next, 16), t, b1);
                    b2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref next, 32), t, b2);
                    b3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref next, 48), t, b3);
                }
                if (r < count)
                {
                    ref var row = ref Unsafe.Add(ref rows, (nint)Unsafe.Add(ref index, r) * stride + (nint)c);
                    var s = Vector512.Create(Unsafe.Add(ref coefficient, r));
                    a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row), s, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 16), s, a1);
                    a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 32), s, a2);
                    a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 48), s, a3);
                }
                (a0 + b0).StoreUnsafe(ref y, c);
                (a1 + b1).StoreUnsafe(ref y, c + 16);
                (a2 + b2).StoreUnsafe(ref y, c + 32);
                (a3 + b3).StoreUnsafe(ref y, c + 48);
            }
            for (; c + 16 <= n; c += 16)
            {
                var a0 = Vector512.LoadUnsafe(ref y, c);
                for (var r = 0; r < count; r++)
                {
                    ref var row = ref Unsafe.Add(ref rows, (nint)Unsafe.Add(ref index, r) * stride + (nint)c);
                    a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row), Vector512.Create(Unsafe.Add(ref coefficient, r)), a0);
                }
                a0.StoreUnsafe(ref y, c);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; c + 8 <= n; c += 8)
            {
                var a0 = Vector256.LoadUnsafe(ref y, c);
                for (var r = 0; r < count; r++)
                {
                    ref var row = ref Unsafe.Add(ref rows, (nint)Unsafe.Add(ref index, r) * stride + (nint)c);
                    a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row), Vector256.Create(Unsafe.Add(ref coefficient, r)), a0);
                }
                a0.StoreUnsafe(ref y, c);
            }
        }
        for (; c < n; c++)
        {
            var sum = Unsafe.Add(ref y, c);
            for (var r = 0; r < count; r++)
                sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref rows, (nint)Unsafe.Add(ref index, r) * stride + (nint)c), Unsafe.Add(ref coefficient, r), sum);
            Unsafe.Add(ref y, c) = sum;
        }
    }

    // The four horizontal sums of four vectors, as one vector.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Reduce4(Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3)
    {
        if (Avx.IsSupported)
        {
            // hadd pairs lanes within each 128-bit half; three of them leave each half holding four partial sums.
            var h = Avx.HorizontalAdd(Avx.HorizontalAdd(a0, a1), Avx.HorizontalAdd(a2, a3));
            return h.GetLower() + h.GetUpper();
        }
        return Vector128.Create(Vector256.Sum(a0), Vector256.Sum(a1), Vector256.Sum(a2), Vector256.Sum(a3));
    }

    // Adds the columns [from, length) the vector blocks did not cover to four dot products.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTail(ref float y0, ref float y1, ref float y2, ref float y3, ref float x, int from, int length, ref float sums)
    {
        for (var c = from; c < length; c++)
        {
            var xc = Unsafe.Add(ref x, c);
            sums = MathF.FusedMultiplyAdd(Unsafe.Add(ref y0, c), xc, sums);
            Unsafe.Add(ref sums, 1) = MathF.FusedMultiplyAdd(Unsafe.Add(ref y1, c), xc, Unsafe.Add(ref sums, 1));
            Unsafe.Add(ref sums, 2) = MathF.FusedMultiplyAdd(Unsafe.Add(ref y2, c), xc, Unsafe.Add(ref sums, 2));
            Unsafe.Add(ref sums, 3) = MathF.FusedMultiplyAdd(Unsafe.Add(ref y3, c), xc, Unsafe.Add(ref sums, 3));
        }
    }

    /// <summary>Scalar oracle of <see cref="Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>.</summary>
    public static float DotScalar(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>Scalar oracle of <see cref="MultiplyAdd(ReadOnlySpan{float}, float, Span{float})"/>.</summary>
    public static void MultiplyAddScalar(ReadOnlySpan<float> x, float scale, Span<float> y)
    {
        for (var i = 0; i < x.Length; i++) y[i] += scale * x[i];
    }

    /// <summary>Scalar oracle of <see cref="ScaleAdd(Span{float}, float, ReadOnlySpan{float})"/>.</summary>
    public static void ScaleAddScalar(Span<float> p, float scale, ReadOnlySpan<float> r)
    {
        for (var i = 0; i < p.Length; i++) p[i] = scale * p[i] + r[i];
    }

    /// <summary>Scalar oracle of <see cref="SymmetricMultiply(ReadOnlySpan{float}, int, ReadOnlySpan{float}, float, Span{float})"/>
    /// that reads M row by row (M[i, j] x[j]), so it also checks the symmetry the fast version relies on.</summary>
    public static void SymmetricMultiplyScalar(ReadOnlySpan<float> matrix, int stride, ReadOnlySpan<float> x, float diagonal, Span<float> y)
    {
        for (var i = 0; i < x.Length; i++)
        {
            var sum = diagonal * x[i];
            for (var j = 0; j < x.Length; j++) sum += matrix[i * stride + j] * x[j];
            y[i] = sum;
        }
    }

    /// <summary>Scalar oracle of <see cref="AddOuterProduct(Span{float}, int, ReadOnlySpan{float}, float)"/>.</summary>
    public static void AddOuterProductScalar(Span<float> matrix, int stride, ReadOnlySpan<float> x, float scale)
    {
        for (var i = 0; i < x.Length; i++)
            for (var j = 0; j < x.Length; j++)
                matrix[i * stride + j] += scale * x[i] * x[j];
    }

    /// <summary>Scalar oracle of <see cref="DotRows(ReadOnlySpan{float}, int, ReadOnlySpan{int}, ReadOnlySpan{float}, Span{float})"/>.</summary>
    public static void DotRowsScalar(ReadOnlySpan<float> rows, int stride, ReadOnlySpan<int> indices, ReadOnlySpan<float> x, Span<float> destination)
    {
        for (var n = 0; n < indices.Length; n++) destination[n] = DotScalar(rows.Slice(indices[n] * stride, x.Length), x);
    }

    /// <summary>Scalar oracle of <see cref="AddScaledRows(ReadOnlySpan{float}, int, ReadOnlySpan{int}, ReadOnlySpan{float}, Span{float})"/>.</summary>
    public static void AddScaledRowsScalar(ReadOnlySpan<float> rows, int stride, ReadOnlySpan<int> indices, ReadOnlySpan<float> coefficients, Span<float> y)
    {
        for (var n = 0; n < indices.Length; n++) MultiplyAddScalar(rows.Slice(indices[n] * stride, y.Length), coefficients[n], y);
    }

    private static void CheckRows(int rowsLength, int stride, ReadOnlySpan<int> indices, int length)
    {
        if (stride < length) throw new ArgumentException($"Row stride {stride} is shorter than the length {length}.", nameof(stride));
        foreach (var index in indices)
        {
            if (index < 0 || (long)index * stride + length > rowsLength)
                throw new ArgumentException($"Row {index} of stride {stride} and length {length} lies outside the {rowsLength} floats given.", nameof(indices));
        }
    }

    private static void CheckMatrix(int matrixLength, int stride, int n)
    {
        if (stride < n) throw new ArgumentException($"Row stride {stride} is shorter than the length {n}.", nameof(stride));
        if (n > 0 && matrixLength < (long)(n - 1) * stride + n)
            throw new ArgumentException($"A {n} x {n} matrix with row stride {stride} needs {(long)(n - 1) * stride + n} floats; got {matrixLength}.");
    }
}
