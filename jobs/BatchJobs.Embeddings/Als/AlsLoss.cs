using BatchJobs.Embeddings.Sparse;

namespace BatchJobs.Embeddings.Als;

/// <summary>
/// The full implicit-ALS objective
/// sum over all (u, i) of c_ui (p_ui - x_u . y_i)^2 + sum_u lambda_u |x_u|^2 + sum_i lambda_i |y_i|^2,
/// without visiting the unobserved pairs.
/// </summary>
/// <remarks>
/// Over all pairs, sum_i (x_u . y_i)^2 = x_u^T (Y^T Y) x_u; each observed pair then swaps its c = 1, p = 0 term
/// for its real one: + c (1 - d)^2 - d^2 with d = x_u . y_i. lambda_u is lambda, or lambda times the row's
/// interaction count in weighted mode. Summed in double over fixed row chunks, in chunk order, so the value
/// does not depend on the thread count.
/// </remarks>
internal static class AlsLoss
{
    private const int RowsPerChunk = 256;

    /// <summary>Computes the objective. <paramref name="itemGram"/> must be Y^T Y of <paramref name="items"/>.</summary>
    public static double Compute(CsrMatrix userWeights, CsrMatrix itemWeights, FactorMatrix users, FactorMatrix items, GramMatrix itemGram,
        ImplicitAlsOptions options, WorkerScratch[] scratch)
    {
        var stride = users.Stride;
        var userChunks = new double[(users.Rows + RowsPerChunk - 1) / RowsPerChunk];
        RowParallel.For(users.Rows, RowsPerChunk, scratch.Length, (worker, start, end) =>
        {
            var gx = scratch[worker].Vector(0);
            var gram = itemGram.Values;
            var itemData = items.AsSpan();
            var sum = 0.0;
            for (var u = start; u < end; u++)
            {
                var x = users.PaddedRow(u);
                var indices = userWeights.RowIndices(u);
                var weights = userWeights.RowValues(u);
                FactorKernels.SymmetricMultiply(gram, stride, x, 0f, gx);
                sum += FactorKernels.Dot(x, gx);
                for (var n = 0; n < indices.Length; n++)
                {
                    double d = FactorKernels.Dot(x, itemData.Slice(indices[n] * stride, stride));
                    var miss = 1.0 - d;
                    sum += (1.0 + weights[n]) * miss * miss - d * d;
                }
                sum += (double)options.RowRegularization(indices.Length) * FactorKernels.Dot(x, x);
            }
            userChunks[start / RowsPerChunk] = sum;
        });

        var itemChunks = new double[(items.Rows + RowsPerChunk - 1) / RowsPerChunk];
        RowParallel.For(items.Rows, RowsPerChunk, scratch.Length, (_, start, end) =>
        {
            var sum = 0.0;
            for (var i = start; i < end; i++)
            {
                var y = items.PaddedRow(i);
                sum += (double)options.RowRegularization(itemWeights.RowLength(i)) * FactorKernels.Dot(y, y);
            }
            itemChunks[start / RowsPerChunk] = sum;
        });

        var total = 0.0;
        foreach (var chunk in userChunks) total += chunk;
        foreach (var chunk in itemChunks) total += chunk;
        return total;
    }
}
