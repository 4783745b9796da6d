using BatchJobs.Embeddings.Als;

namespace BatchJobs.Embeddings.Tests.Als;

/// <summary>The SIMD kernels against their scalar oracles for every length 0..257, so each Vector512,
/// Vector256 and scalar tail path runs; tolerances scale with the magnitude of the summed terms.</summary>
public sealed class FactorKernelsTests
{
    private const int MaxLength = 257;
    private const double RelativeTolerance = 1e-5;

    [Test]
    public void Dot_matches_scalar_for_every_length()
    {
        var random = new Random(1);
        for (var n = 0; n <= MaxLength; n++)
        {
            var a = RandomVector(random, n);
            var b = RandomVector(random, n);
            var magnitude = 0.0;
            for (var i = 0; i < n; i++) magnitude += Math.Abs(a[i] * b[i]);
            Assert.That(FactorKernels.Dot(a, b), Is.EqualTo(FactorKernels.DotScalar(a, b)).Within(RelativeTolerance * magnitude + 1e-30), $"length {n}");
        }
    }

    [Test]
    public void MultiplyAdd_matches_scalar_for_every_length()
    {
        var random = new Random(2);
        for (var n = 0; n <= MaxLength; n++)
        {
            var x = RandomVector(random, n);
            var fast = RandomVector(random, n);
            var oracle = fast.ToArray();
            FactorKernels.MultiplyAdd(x, -0.75f, fast);
            FactorKernels.MultiplyAddScalar(x, -0.75f, oracle);
            AssertClose(fast, oracle, 2.0, $"length {n}");
        }
    }

    [Test]
    public void ScaleAdd_matches_scalar_for_every_length()
    {
        var random = new Random(3);
        for (var n = 0; n <= MaxLength; n++)
        {
            var r = RandomVector(random, n);
            var fast = RandomVector(random, n);
            var oracle = fast.ToArray();
            FactorKernels.ScaleAdd(fast, 0.3f, r);
            FactorKernels.ScaleAddScalar(oracle, 0.3f, r);
            AssertClose(fast, oracle, 2.0, $"length {n}");
        }
    }

    [Test]
    public void SymmetricMultiply_matches_scalar_for_every_length()
    {
        var random = new Random(4);
        for (var n = 0; n <= MaxLength; n++)
        {
            var stride = n + 3;
            var matrix = RandomSymmetric(random, n, stride);
            var x = RandomVector(random, n);
            var fast = new float[n];
            var oracle = new float[n];
            FactorKernels.SymmetricMultiply(matrix, stride, x, 0.5f, fast);
            FactorKernels.SymmetricMultiplyScalar(matrix, stride, x, 0.5f, oracle);
            AssertClose(fast, oracle, n + 1.0, $"length {n}");
        }
    }

    [Test]
    public void SymmetricMultiply4_gives_each_row_the_single_product()
    {
        var random = new Random(9);
        for (var n = 0; n <= MaxLength; n++)
        {
            var stride = n + 2;
            var matrix = RandomSymmetric(random, n, stride);
            var xs = Enumerable.Range(0, 4).Select(_ => RandomVector(random, n)).ToArray();
            var ys = Enumerable.Range(0, 4).Select(_ => new float[n]).ToArray();
            float[] d = [0.5f, 0f, 2f, -1f];
            FactorKernels.SymmetricMultiply4(matrix, stride, xs[0], xs[1], xs[2], xs[3], d[0], d[1], d[2], d[3], ys[0], ys[1], ys[2], ys[3]);
            for (var r = 0; r < 4; r++)
            {
                var oracle = new float[n];
                FactorKernels.SymmetricMultiplyScalar(matrix, stride, xs[r], d[r], oracle);
                AssertClose(ys[r], oracle, n + 2.0, $"length {n}, row {r}");
            }
        }
    }

    [Test]
    public void AddOuterProduct_matches_scalar_for_every_length()
    {
        var random = new Random(5);
        for (var n = 0; n <= MaxLength; n++)
        {
            var stride = n + 1;
            var fast = RandomVector(random, n * stride);
            var oracle = fast.ToArray();
            var x = RandomVector(random, n);
            FactorKernels.AddOuterProduct(fast, stride, x, 1.5f);
            FactorKernels.AddOuterProductScalar(oracle, stride, x, 1.5f);
            AssertClose(fast, oracle, 3.0, $"length {n}");
        }
    }

    [Test]
    public void AddRank4_equals_four_outer_products_for_every_length()
    {
        var random = new Random(6);
        for (var n = 0; n <= MaxLength; n++)
        {
            var stride = n + 5;
            var fast = RandomVector(random, n * stride);
            var oracle = fast.ToArray();
            var ys = new[] { RandomVector(random, n), RandomVector(random, n), RandomVector(random, n), RandomVector(random, n) };
            var ws = new[] { 1f, 0.5f, 2f, 3f };
            FactorKernels.AddRank4(fast, stride, ys[0], ys[1], ys[2], ys[3], ws[0], ws[1], ws[2], ws[3]);
            for (var r = 0; r < 4; r++) FactorKernels.AddOuterProductScalar(oracle, stride, ys[r], ws[r]);
            AssertClose(fast, oracle, 8.0, $"length {n}");
        }
    }

    [Test]
    public void DotRows_matches_scalar_for_every_length_and_row_count()
    {
        var random = new Random(7);
        for (var n = 0; n <= MaxLength; n++)
        {
            var stride = n + 2;
            var rows = RandomVector(random, 20 * stride);
            var x = RandomVector(random, n);
            // 0..11 gathered rows covers the four-at-a-time path, its remainder, and the prefetched distance.
            var indices = Enumerable.Range(0, n % 12).Select(_ => random.Next(20)).ToArray();
            var fast = new float[indices.Length];
            var oracle = new float[indices.Length];
            FactorKernels.DotRows(rows, stride, indices, x, fast);
            FactorKernels.DotRowsScalar(rows, stride, indices, x, oracle);
            AssertClose(fast, oracle, n, $"length {n}");
        }
    }

    [Test]
    public void AddScaledRows_matches_scalar_for_every_length_and_row_count()
    {
        var random = new Random(8);
        for (var n = 0; n <= MaxLength; n++)
        {
            var stride = n + 1;
            var rows = RandomVector(random, 20 * stride);
            var indices = Enumerable.Range(0, n % 7).Select(_ => random.Next(20)).ToArray();
            var coefficients = RandomVector(random, indices.Length);
            var fast = RandomVector(random, n);
            var oracle = fast.ToArray();
            FactorKernels.AddScaledRows(rows, stride, indices, coefficients, fast);
            FactorKernels.AddScaledRowsScalar(rows, stride, indices, coefficients, oracle);
            AssertClose(fast, oracle, indices.Length + 1.0, $"length {n}");
        }
    }

    [Test]
    public void Mismatched_lengths_are_rejected()
    {
        Assert.That(() => FactorKernels.Dot(new float[3], new float[4]), Throws.ArgumentException);
        Assert.That(() => FactorKernels.SymmetricMultiply(new float[8], 3, new float[3], 0f, new float[3]), Throws.ArgumentException.With.Message.Contains("needs 9 floats"));
        Assert.That(() => FactorKernels.AddOuterProduct(new float[16], 2, new float[4], 1f), Throws.ArgumentException.With.Message.Contains("stride 2"));
        Assert.That(() => FactorKernels.DotRows(new float[8], 4, [2], new float[4], new float[1]), Throws.ArgumentException.With.Message.Contains("Row 2 of stride 4"));
    }

    private static float[] RandomVector(Random random, int length)
    {
        var vector = new float[length];
        for (var i = 0; i < length; i++) vector[i] = (float)(random.NextDouble() * 2 - 1);
        return vector;
    }

    private static float[] RandomSymmetric(Random random, int n, int stride)
    {
        var matrix = new float[Math.Max(0, (n - 1) * stride + n)];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
                matrix[i * stride + j] = matrix[j * stride + i] = (float)(random.NextDouble() * 2 - 1);
        return matrix;
    }

    // magnitude bounds the sum of |terms| behind each element (inputs are in [-1, 1]).
    private static void AssertClose(float[] actual, float[] expected, double magnitude, string message)
    {
        for (var i = 0; i < expected.Length; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(RelativeTolerance * magnitude), $"{message}, element {i}");
    }
}
