using System.Runtime.InteropServices;
using BatchJobs.Embeddings.Als;
using BatchJobs.Embeddings.Sparse;

namespace BatchJobs.Embeddings.Tests.Als;

public sealed class ImplicitAlsTrainerTests
{
    private static readonly CsrMatrix Small = TestMatrices.RandomInteractions(users: 40, items: 30, density: 0.2, seed: 11);

    [TestCase(RegularizationMode.Plain, ConfidenceScaling.Linear, 7)]
    [TestCase(RegularizationMode.Weighted, ConfidenceScaling.Log, 20)]
    public void Cholesky_item_vectors_solve_their_normal_equations_against_the_final_user_vectors(RegularizationMode mode, ConfidenceScaling scaling, int factors)
    {
        // The last half-step solves every item against the final user vectors, so each item vector must equal
        // the dense closed form computed from the returned model.
        var options = new ImplicitAlsOptions
        {
            Factors = factors, Iterations = 3, Alpha = 4f, Scaling = scaling, Regularization = 0.1f, RegularizationMode = mode,
            Solver = AlsSolver.Cholesky, Seed = 5,
        };
        var model = ImplicitAlsTrainer.Fit(Small, options);
        var itemUsers = Small.Transpose();
        for (var item = 0; item < itemUsers.Rows; item++)
        {
            var expected = itemUsers.RowLength(item) == 0 ? new double[factors] : DenseAlsReference.SolveRow(itemUsers, item, model.UserFactors, options);
            Assert.That(DenseAlsReference.RelativeError(model.ItemFactors.Row(item), expected), Is.LessThan(1e-3), $"item {item}");
        }
    }

    [Test]
    public void Conjugate_gradient_with_many_steps_matches_the_dense_closed_form()
    {
        var options = new ImplicitAlsOptions
        {
            Factors = 8, Iterations = 2, Alpha = 4f, Regularization = 0.1f, Solver = AlsSolver.ConjugateGradient, ConjugateGradientSteps = 40, Seed = 5,
        };
        var model = ImplicitAlsTrainer.Fit(Small, options);
        var itemUsers = Small.Transpose();
        for (var item = 0; item < itemUsers.Rows; item++)
        {
            var expected = itemUsers.RowLength(item) == 0 ? new double[8] : DenseAlsReference.SolveRow(itemUsers, item, model.UserFactors, options);
            Assert.That(DenseAlsReference.RelativeError(model.ItemFactors.Row(item), expected), Is.LessThan(1e-3), $"item {item}");
        }
    }

    [TestCase(RegularizationMode.Plain)]
    [TestCase(RegularizationMode.Weighted)]
    public void Cholesky_loss_never_increases_and_matches_the_brute_force_objective(RegularizationMode mode)
    {
        var options = new ImplicitAlsOptions
        {
            Factors = 6, Iterations = 12, Alpha = 8f, Scaling = ConfidenceScaling.Log, Regularization = 0.05f, RegularizationMode = mode,
            Solver = AlsSolver.Cholesky, ComputeLoss = true, Seed = 3,
        };
        var losses = new List<double>();
        var model = ImplicitAlsTrainer.Fit(Small, options, report => losses.Add(report.Loss!.Value));

        Assert.That(losses, Has.Count.EqualTo(12));
        for (var n = 1; n < losses.Count; n++)
            Assert.That(losses[n], Is.LessThanOrEqualTo(losses[n - 1] * (1 + 1e-6)), $"iteration {n + 1}: {losses[n - 1]} -> {losses[n]}");
        Assert.That(losses[^1], Is.LessThan(losses[0]), "training must make progress");
        var bruteForce = DenseAlsReference.Loss(Small, model.UserFactors, model.ItemFactors, options);
        Assert.That(losses[^1], Is.EqualTo(bruteForce).Within(1e-4 * bruteForce));
    }

    [TestCase(AlsSolver.ConjugateGradient, 32)]
    [TestCase(AlsSolver.ConjugateGradient, 20)]
    [TestCase(AlsSolver.Cholesky, 20)]
    public void Factors_are_bit_identical_for_1_2_and_4_threads(AlsSolver solver, int factors)
    {
        var interactions = TestMatrices.RandomInteractions(users: 700, items: 400, density: 0.03, seed: 21);
        ImplicitAlsModel Train(int threads) => ImplicitAlsTrainer.Fit(interactions, new ImplicitAlsOptions
        {
            Factors = factors, Iterations = 3, Alpha = 10f, Solver = solver, Seed = 42, MaxDegreeOfParallelism = threads,
        });

        var single = Train(1);
        foreach (var threads in new[] { 2, 4 })
        {
            var parallel = Train(threads);
            Assert.That(Bytes(parallel.UserFactors).SequenceEqual(Bytes(single.UserFactors)), Is.True, $"user factors with {threads} threads");
            Assert.That(Bytes(parallel.ItemFactors).SequenceEqual(Bytes(single.ItemFactors)), Is.True, $"item factors with {threads} threads");
        }
    }

    [Test]
    public void The_seed_decides_the_initialisation()
    {
        var options = new ImplicitAlsOptions { Factors = 8, Iterations = 1, Seed = 1 };
        var first = ImplicitAlsTrainer.Fit(Small, options);
        var again = ImplicitAlsTrainer.Fit(Small, options);
        var other = ImplicitAlsTrainer.Fit(Small, options with { Seed = 2 });
        Assert.That(Bytes(again.ItemFactors).SequenceEqual(Bytes(first.ItemFactors)), Is.True);
        Assert.That(Bytes(other.ItemFactors).SequenceEqual(Bytes(first.ItemFactors)), Is.False);
    }

    [Test]
    public void Empty_rows_get_zero_vectors_and_every_vector_is_finite()
    {
        var model = ImplicitAlsTrainer.Fit(Small, new ImplicitAlsOptions { Factors = 8, Iterations = 2 });
        Assert.That(model.UserFactors.Row(Small.Rows - 1).ToArray(), Is.All.Zero, "the fixture's last user has no interactions");
        Assert.That(model.UserFactors.AsSpan().ToArray().All(float.IsFinite), Is.True);
        Assert.That(model.ItemFactors.AsSpan().ToArray().All(float.IsFinite), Is.True);
    }

    [Test]
    public void Callback_reports_every_iteration_in_order_without_loss_unless_asked()
    {
        var reports = new List<AlsIterationReport>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        ImplicitAlsTrainer.Fit(Small, new ImplicitAlsOptions { Factors = 4, Iterations = 3 }, reports.Add);
        var wall = watch.Elapsed;
        Assert.That(reports.Select(r => r.Iteration), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(reports.Select(r => r.Loss), Is.All.Null);
        // Iteration times add up within the running total, which never exceeds the wall time of the whole fit.
        for (var i = 0; i < reports.Count; i++)
            Assert.That(reports[i].TotalElapsed, Is.GreaterThanOrEqualTo(reports.Take(i + 1).Aggregate(TimeSpan.Zero, (sum, r) => sum + r.Elapsed)), $"iteration {i + 1}");
        Assert.That(reports[^1].TotalElapsed, Is.LessThanOrEqualTo(wall));
    }

    [Test]
    public void RecalculateUser_matches_the_dense_solution_against_the_item_factors()
    {
        var options = new ImplicitAlsOptions { Factors = 10, Iterations = 2, Alpha = 3f, Regularization = 0.2f, RegularizationMode = RegularizationMode.Weighted };
        var model = ImplicitAlsTrainer.Fit(Small, options);
        int[] items = [17, 3, 25];
        float[] values = [2f, 5f, 1f];
        var vector = new float[10];
        model.RecalculateUser(items, values, vector);

        var history = CsrMatrix.FromTriples(1, Small.Columns, new int[3], items, values);
        var expected = DenseAlsReference.SolveRow(history, 0, model.ItemFactors, options);
        Assert.That(DenseAlsReference.RelativeError(vector, expected), Is.LessThan(1e-4));

        model.RecalculateUser([], [], vector);
        Assert.That(vector, Is.All.Zero, "no history, no taste");
    }

    [Test]
    public void RecalculateUser_rejects_bad_histories_with_clear_messages()
    {
        var model = ImplicitAlsTrainer.Fit(Small, new ImplicitAlsOptions { Factors = 4, Iterations = 1 });
        var vector = new float[4];
        Assert.That(() => model.RecalculateUser([1, 2], [1f], vector), Throws.ArgumentException.With.Message.Contains("one value per item"));
        Assert.That(() => model.RecalculateUser([30], [1f], vector), Throws.ArgumentException.With.Message.Contains("outside 0..29"));
        Assert.That(() => model.RecalculateUser([4, 4], [1f, 2f], vector), Throws.ArgumentException.With.Message.Contains("Item 4 appears more than once"));
        Assert.That(() => model.RecalculateUser([4], [0f], vector), Throws.ArgumentException.With.Message.Contains("positive and finite"));
        Assert.That(() => model.RecalculateUser([4], [1f], new float[3]), Throws.ArgumentException.With.Message.Contains("4 factors"));
    }

    [Test]
    public void Interaction_values_that_are_not_positive_and_finite_are_rejected()
    {
        var matrix = CsrMatrix.FromTriples(2, 3, [0, 1], [2, 1], [1f, float.NaN]);
        Assert.That(() => ImplicitAlsTrainer.Fit(matrix, new ImplicitAlsOptions { Factors = 2 }),
            Throws.ArgumentException.With.Message.Contains("User row 1, item column 1 has value NaN"));
    }

    private static ReadOnlySpan<byte> Bytes(FactorMatrix matrix) => MemoryMarshal.AsBytes((ReadOnlySpan<float>)matrix.AsSpan());
}
