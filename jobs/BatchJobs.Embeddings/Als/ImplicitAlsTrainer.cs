using System.Diagnostics;
using BatchJobs.Embeddings.Sparse;

namespace BatchJobs.Embeddings.Als;

/// <summary>
/// Trains implicit-feedback ALS (Hu, Koren and Volinsky 2008): minimises
/// sum over all (u, i) of c_ui (p_ui - x_u . y_i)^2 + lambda (sum |x_u|^2 + sum |y_i|^2), with p_ui = 1 and
/// c_ui = 1 + alpha s(r_ui) on observed pairs and c_ui = 1, p_ui = 0 elsewhere, by alternating exact or CG
/// solves of all user rows and all item rows.
/// </summary>
/// <remarks>
/// Each half-iteration computes the Gram matrix of the fixed side once, then solves the rows of the other side
/// on all workers, claiming chunks of rows dynamically. A row's solve reads only its own interactions, the
/// fixed side and the Gram matrix, and the Gram matrix is reduced in a fixed order, so the factors are
/// bit-identical whatever the thread count. The per-row loop allocates nothing.
/// </remarks>
public static class ImplicitAlsTrainer
{
    // Work per chunk of rows, in stored entries (a row's fixed work, the k x k products, counts as RowCost
    // entries): small enough to balance skewed rows across workers, large enough that claiming is free.
    private const int ChunkCost = 4096;
    private const int RowCost = 16;

    // Stream ids of the seeded initialisation, so user and item rows draw different numbers.
    private const ulong UserStream = 1;
    private const ulong ItemStream = 2;

    /// <summary>Trains user and item factors on a user x item matrix of interaction strengths.</summary>
    /// <param name="userItems">Users as rows, items as columns; every stored value must be positive and finite
    /// (an absent entry is an unobserved pair).</param>
    /// <param name="options">Hyper-parameters; validated first.</param>
    /// <param name="onIteration">Called after every iteration, on the calling thread.</param>
    /// <param name="cancellationToken">Checked between half-iterations.</param>
    /// <exception cref="ArgumentException">Invalid options or a stored value that is not positive and finite.</exception>
    public static ImplicitAlsModel Fit(CsrMatrix userItems, ImplicitAlsOptions options, Action<AlsIterationReport>? onIteration = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userItems);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var total = Stopwatch.StartNew();

        var weights = ConfidenceWeights(userItems, options);
        var userWeights = userItems.WithValues(weights);
        var itemWeights = userItems.TransposeWithValues(weights);
        var userChunks = RowParallel.BalancedBoundaries(userWeights, RowCost, ChunkCost);
        var itemChunks = RowParallel.BalancedBoundaries(itemWeights, RowCost, ChunkCost);

        var workers = options.EffectiveParallelism;
        var users = new FactorMatrix(userItems.Rows, options.Factors);
        var items = new FactorMatrix(userItems.Columns, options.Factors);
        Initialize(users, options.Seed, UserStream, workers);
        Initialize(items, options.Seed, ItemStream, workers);

        var gram = new GramMatrix(options.Factors);
        var scratch = new WorkerScratch[workers];
        var maxRowLength = Math.Max(MaxRowLength(userWeights), MaxRowLength(itemWeights));
        for (var w = 0; w < workers; w++) scratch[w] = new WorkerScratch(users.Stride, maxRowLength, options.Solver == AlsSolver.Cholesky);

        for (var iteration = 1; iteration <= options.Iterations; iteration++)
        {
            var started = total.Elapsed;
            cancellationToken.ThrowIfCancellationRequested();
            gram.Compute(items, workers);
            SolveRows(userWeights, userChunks, items, users, gram, options, scratch);
            cancellationToken.ThrowIfCancellationRequested();
            gram.Compute(users, workers);
            SolveRows(itemWeights, itemChunks, users, items, gram, options, scratch);
            var elapsed = total.Elapsed - started;

            double? loss = null;
            if (options.ComputeLoss)
            {
                gram.Compute(items, workers);
                loss = AlsLoss.Compute(userWeights, itemWeights, users, items, gram, options, scratch);
            }
            onIteration?.Invoke(new AlsIterationReport(iteration, elapsed, total.Elapsed, loss));
        }

        gram.Compute(items, workers);
        return new ImplicitAlsModel(options, users, items, gram);
    }

    /// <summary>w = c - 1 = alpha s(r) for every stored value, after checking each is positive and finite.</summary>
    private static float[] ConfidenceWeights(CsrMatrix userItems, ImplicitAlsOptions options)
    {
        var values = userItems.Values;
        var weights = GC.AllocateUninitializedArray<float>(values.Length);
        for (var row = 0; row < userItems.Rows; row++)
        {
            var start = userItems.RowOffsets[row];
            var rowValues = userItems.RowValues(row);
            for (var n = 0; n < rowValues.Length; n++)
            {
                var value = rowValues[n];
                if (!(value > 0f) || !float.IsFinite(value))
                    throw new ArgumentException(
                        $"User row {row}, item column {userItems.RowIndices(row)[n]} has value {value}; interaction values must be positive and finite (leave unobserved pairs out of the matrix).",
                        nameof(userItems));
                weights[start + n] = options.ConfidenceMinusOne(value);
            }
        }
        return weights;
    }

    private static int MaxRowLength(CsrMatrix matrix)
    {
        var max = 0;
        for (var row = 0; row < matrix.Rows; row++) max = Math.Max(max, matrix.RowLength(row));
        return max;
    }

    private static void Initialize(FactorMatrix factors, ulong seed, ulong stream, int workers)
    {
        // Small positive values like benfred/implicit's, scaled so x . y starts near 1/4 whatever k is.
        var scale = 1f / MathF.Sqrt(factors.Factors);
        RowParallel.For(factors.Rows, 1024, workers, (_, start, end) =>
        {
            for (var row = start; row < end; row++)
            {
                var random = SplitMix64.ForRow(seed, stream, row);
                var vector = factors.Row(row);
                for (var j = 0; j < vector.Length; j++) vector[j] = random.NextFloat() * scale;
            }
        });
    }

    private static void SolveRows(CsrMatrix weights, int[] chunks, FactorMatrix fixedSide, FactorMatrix solved, GramMatrix gram, ImplicitAlsOptions options,
        WorkerScratch[] scratch)
    {
        var stride = solved.Stride;
        RowParallel.For(chunks, scratch.Length, (worker, _, start, end) =>
        {
            var work = scratch[worker];
            var g = gram.Values;
            ref var fixedRows = ref fixedSide.First;
            if (options.Solver == AlsSolver.ConjugateGradient)
            {
                for (var row = start; row < end; row += ConjugateGradientSolver.BlockRows)
                {
                    ConjugateGradientSolver.SolveBlock(g, fixedSide, weights, row, Math.Min(ConjugateGradientSolver.BlockRows, end - row), options, solved,
                        work, options.ConjugateGradientSteps);
                }
                return;
            }
            for (var row = start; row < end; row++)
            {
                var indices = weights.RowIndices(row);
                CholeskySolver.SolveRow(g, ref fixedRows, stride, options.Factors, indices, weights.RowValues(row), options.RowRegularization(indices.Length),
                    solved.PaddedRow(row), work.System, work.Vector(0));
            }
        });
    }
}
