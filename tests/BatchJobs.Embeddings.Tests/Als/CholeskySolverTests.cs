using BatchJobs.Embeddings.Als;

namespace BatchJobs.Embeddings.Tests.Als;

public sealed class CholeskySolverTests
{
    private static readonly ImplicitAlsOptions[] Settings =
    [
        new() { Alpha = 2f, Regularization = 0.1f },
        new() { Alpha = 10f, Scaling = ConfidenceScaling.Log, Regularization = 0.05f, RegularizationMode = RegularizationMode.Weighted },
    ];

    [TestCase(3, 0)]
    [TestCase(16, 0)]
    [TestCase(21, 1)]
    public void Row_solution_matches_dense_closed_form(int factors, int setting)
    {
        var fixture = new RowSolverFixture(rows: 12, fixedRows: 40, factors, Settings[setting], seed: factors);
        var stride = fixture.Stride;
        var x = new float[stride];
        var system = new float[stride * stride];
        var rhs = new float[stride];
        for (var row = 0; row < fixture.Interactions.Rows; row++)
        {
            x.AsSpan().Fill(123f);
            CholeskySolver.SolveRow(fixture.Gram.Values, ref fixture.FixedSide.AsSpan()[0], stride, factors, fixture.Interactions.RowIndices(row),
                fixture.RowWeights(row), fixture.RowRegularization(row), x, system, rhs);

            if (fixture.Interactions.RowLength(row) == 0)
            {
                Assert.That(x, Is.All.Zero, "an empty row's exact solution is the zero vector");
                continue;
            }
            var expected = DenseAlsReference.SolveRow(fixture.Interactions, row, fixture.FixedSide, fixture.Options);
            Assert.That(DenseAlsReference.RelativeError(x, expected), Is.LessThan(1e-4), $"row {row}");
            Assert.That(x.AsSpan(factors).ToArray(), Is.All.Zero, $"row {row} padding");
        }
    }

    [Test]
    public void Factor_and_solve_reproduce_a_known_system()
    {
        // A = [[4, 2, 0], [2, 5, 1], [0, 1, 3]], x = (1, -1, 2)  =>  b = (2, -1, 5).
        const int stride = 4;
        float[] a = [4, 2, 0, 0, 2, 5, 1, 0, 0, 1, 3, 0];
        float[] b = [2, -1, 5, 0];
        Assert.That(CholeskySolver.Factor(a, stride, 3), Is.True);
        Assert.That(a[0], Is.EqualTo(2f), "L[0,0] = sqrt(4)");
        Assert.That(a[4], Is.EqualTo(1f), "L[1,0] = 2 / 2");
        CholeskySolver.Solve(a, stride, 3, b);
        Assert.That(b.Take(3), Is.EqualTo(new[] { 1f, -1f, 2f }).Within(1e-6f));
    }

    [Test]
    public void Factor_rejects_an_indefinite_matrix()
    {
        float[] a = [1, 2, 2, 1];
        Assert.That(CholeskySolver.Factor(a, 2, 2), Is.False);
    }
}
