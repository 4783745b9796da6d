using System.Runtime.InteropServices;
using BatchJobs.Embeddings.Als;

namespace BatchJobs.Embeddings.Tests.Als;

public sealed class ConjugateGradientSolverTests
{
    [TestCase(4, ConfidenceScaling.Linear, RegularizationMode.Plain)]
    [TestCase(16, ConfidenceScaling.Log, RegularizationMode.Weighted)]
    [TestCase(20, ConfidenceScaling.Linear, RegularizationMode.Weighted)]
    [TestCase(40, ConfidenceScaling.Log, RegularizationMode.Plain)]
    public void Enough_steps_converge_to_the_dense_closed_form(int factors, ConfidenceScaling scaling, RegularizationMode mode)
    {
        var options = new ImplicitAlsOptions { Alpha = 3f, Scaling = scaling, Regularization = 0.1f, RegularizationMode = mode };
        var fixture = new RowSolverFixture(rows: 10, fixedRows: 50, factors, options, seed: 100 + factors);
        var solved = new FactorMatrix(10, factors);
        var scratch = new WorkerScratch(fixture.Stride, fixture.MaxRowLength, withSystem: false);
        // Blocks of 4, 4 and 2 rows; the last row has no interactions. Exact arithmetic needs k steps; float a few more.
        for (var row = 0; row < 10; row += ConjugateGradientSolver.BlockRows)
        {
            ConjugateGradientSolver.SolveBlock(fixture.Gram.Values, fixture.FixedSide, fixture.WeightMatrix, row, Math.Min(4, 10 - row),
                fixture.Options, solved, scratch, steps: 4 * factors);
        }

        for (var row = 0; row < 10; row++)
        {
            var expected = fixture.Interactions.RowLength(row) == 0
                ? new double[factors]
                : DenseAlsReference.SolveRow(fixture.Interactions, row, fixture.FixedSide, fixture.Options);
            Assert.That(DenseAlsReference.RelativeError(solved.Row(row), expected), Is.LessThan(1e-3), $"row {row}");
            Assert.That(solved.PaddedRow(row)[factors..].ToArray(), Is.All.Zero, $"row {row} padding");
        }
    }

    [Test]
    public void A_rows_result_does_not_depend_on_the_other_rows_of_its_block()
    {
        var fixture = new RowSolverFixture(rows: 8, fixedRows: 70, factors: 24, new ImplicitAlsOptions { Alpha = 5f, Regularization = 0.1f }, seed: 3);
        var scratch = new WorkerScratch(fixture.Stride, fixture.MaxRowLength, withSystem: false);
        var together = TestMatrices.RandomFactors(8, 24, seed: 4);
        var alone = TestMatrices.RandomFactors(8, 24, seed: 4);
        ConjugateGradientSolver.SolveBlock(fixture.Gram.Values, fixture.FixedSide, fixture.WeightMatrix, 0, 4, fixture.Options, together, scratch, steps: 3);
        for (var row = 0; row < 4; row++)
            ConjugateGradientSolver.SolveBlock(fixture.Gram.Values, fixture.FixedSide, fixture.WeightMatrix, row, 1, fixture.Options, alone, scratch, steps: 3);

        for (var row = 0; row < 4; row++)
        {
            Assert.That(MemoryMarshal.AsBytes(together.PaddedRow(row)).SequenceEqual(MemoryMarshal.AsBytes(alone.PaddedRow(row))), Is.True, $"row {row}");
        }
        Assert.That(MemoryMarshal.AsBytes(together.PaddedRow(4)).SequenceEqual(MemoryMarshal.AsBytes(TestMatrices.RandomFactors(8, 24, seed: 4).PaddedRow(4))),
            Is.True, "rows outside the block are untouched");
    }

    [Test]
    public void Each_step_from_a_cold_start_lowers_the_quadratic_it_minimises()
    {
        // CG minimises f(x) = x^T A x / 2 - b^T x over a growing Krylov space, so f must fall with every step.
        var fixture = new RowSolverFixture(rows: 3, fixedRows: 60, factors: 16, new ImplicitAlsOptions { Alpha = 5f, Regularization = 0.1f }, seed: 9);
        var (a, b) = DenseAlsReference.NormalEquations(fixture.Interactions, 0, fixture.FixedSide, fixture.Options);
        var scratch = new WorkerScratch(fixture.Stride, fixture.MaxRowLength, withSystem: false);
        var previous = 0.0;
        for (var steps = 1; steps <= 6; steps++)
        {
            var solved = new FactorMatrix(3, 16);
            ConjugateGradientSolver.SolveBlock(fixture.Gram.Values, fixture.FixedSide, fixture.WeightMatrix, 0, 1, fixture.Options, solved, scratch, steps);
            var energy = Energy(a, b, solved.Row(0));
            Assert.That(energy, Is.LessThan(previous), $"{steps} steps");
            previous = energy;
        }
    }

    private static double Energy(double[,] a, double[] b, ReadOnlySpan<float> x)
    {
        var energy = 0.0;
        for (var p = 0; p < b.Length; p++)
        {
            for (var q = 0; q < b.Length; q++) energy += 0.5 * x[p] * a[p, q] * x[q];
            energy -= b[p] * x[p];
        }
        return energy;
    }
}
