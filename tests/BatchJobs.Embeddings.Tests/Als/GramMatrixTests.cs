using System.Runtime.InteropServices;
using BatchJobs.Embeddings.Als;

namespace BatchJobs.Embeddings.Tests.Als;

public sealed class GramMatrixTests
{
    [TestCase(5)]
    [TestCase(16)]
    [TestCase(40)]
    public void Gram_matches_double_sum_of_outer_products_and_leaves_padding_zero(int factors)
    {
        // More rows than one block, and a row count that is not a multiple of 4, to cover every path.
        var matrix = TestMatrices.RandomFactors(5003, factors, seed: factors);
        var gram = new GramMatrix(factors);
        gram.Compute(matrix, workers: 2);

        var stride = gram.Stride;
        for (var p = 0; p < stride; p++)
        {
            for (var q = 0; q < stride; q++)
            {
                var actual = gram.Values[p * stride + q];
                if (p >= factors || q >= factors)
                {
                    Assert.That(actual, Is.Zero, $"padding ({p}, {q})");
                    continue;
                }
                double expected = 0, magnitude = 0;
                for (var r = 0; r < matrix.Rows; r++)
                {
                    var term = matrix.Row(r)[p] * (double)matrix.Row(r)[q];
                    expected += term;
                    magnitude += Math.Abs(term);
                }
                Assert.That(actual, Is.EqualTo(expected).Within(1e-5 * magnitude), $"({p}, {q})");
                Assert.That(actual, Is.EqualTo(gram.Values[q * stride + p]), $"symmetry at ({p}, {q})");
            }
        }
    }

    [Test]
    public void Gram_is_bit_identical_for_any_worker_count()
    {
        var matrix = TestMatrices.RandomFactors(9000, 24, seed: 7);
        var reference = new GramMatrix(24);
        reference.Compute(matrix, workers: 1);
        foreach (var workers in new[] { 2, 3, 4 })
        {
            var gram = new GramMatrix(24);
            gram.Compute(matrix, workers);
            Assert.That(MemoryMarshal.AsBytes(gram.Values).SequenceEqual(MemoryMarshal.AsBytes(reference.Values)), Is.True, $"{workers} workers");
        }
    }
}
