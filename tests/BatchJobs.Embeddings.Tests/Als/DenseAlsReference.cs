using BatchJobs.Embeddings.Als;
using BatchJobs.Embeddings.Sparse;

namespace BatchJobs.Embeddings.Tests.Als;

/// <summary>
/// Slow, obviously-correct implicit ALS in double precision: builds each row's dense normal equations
/// (Y^T C_u Y + lambda I) x = Y^T C_u p_u over every column and solves them by Gaussian elimination; also the
/// objective by brute force over all pairs. The oracle for the fast solvers.
/// </summary>
internal static class DenseAlsReference
{
    /// <summary>The exact update of <paramref name="row"/> of <paramref name="interactions"/> against the fixed side.</summary>
    public static double[] SolveRow(CsrMatrix interactions, int row, FactorMatrix fixedSide, ImplicitAlsOptions options)
    {
        var (a, b) = NormalEquations(interactions, row, fixedSide, options);
        return GaussianElimination(a, b);
    }

    /// <summary>The row's dense normal equations A = Y^T C Y + lambda I, b = Y^T C p, over every column.</summary>
    public static (double[,] A, double[] B) NormalEquations(CsrMatrix interactions, int row, FactorMatrix fixedSide, ImplicitAlsOptions options)
    {
        var k = fixedSide.Factors;
        var confidence = new double[fixedSide.Rows];
        var preference = new double[fixedSide.Rows];
        Array.Fill(confidence, 1.0);
        var indices = interactions.RowIndices(row);
        var values = interactions.RowValues(row);
        for (var n = 0; n < indices.Length; n++)
        {
            confidence[indices[n]] = 1.0 + Weight(values[n], options);
            preference[indices[n]] = 1.0;
        }
        var lambda = options.RegularizationMode == RegularizationMode.Weighted ? options.Regularization * (double)indices.Length : options.Regularization;

        var a = new double[k, k];
        var b = new double[k];
        for (var i = 0; i < fixedSide.Rows; i++)
        {
            var y = fixedSide.Row(i);
            for (var p = 0; p < k; p++)
            {
                b[p] += confidence[i] * preference[i] * y[p];
                for (var q = 0; q < k; q++) a[p, q] += confidence[i] * y[p] * (double)y[q];
            }
        }
        for (var p = 0; p < k; p++) a[p, p] += lambda;
        return (a, b);
    }

    /// <summary>sum over all pairs of c (p - x.y)^2 plus the regularisation terms, in double.</summary>
    public static double Loss(CsrMatrix userItems, FactorMatrix users, FactorMatrix items, ImplicitAlsOptions options)
    {
        var itemCounts = new int[items.Rows];
        foreach (var item in userItems.ColumnIndices) itemCounts[item]++;
        var total = 0.0;
        for (var u = 0; u < users.Rows; u++)
        {
            var indices = userItems.RowIndices(u);
            var values = userItems.RowValues(u);
            for (var i = 0; i < items.Rows; i++)
            {
                var position = indices.BinarySearch(i);
                var c = position >= 0 ? 1.0 + Weight(values[position], options) : 1.0;
                var p = position >= 0 ? 1.0 : 0.0;
                var error = p - Dot(users.Row(u), items.Row(i));
                total += c * error * error;
            }
            total += Lambda(options, indices.Length) * Dot(users.Row(u), users.Row(u));
        }
        for (var i = 0; i < items.Rows; i++) total += Lambda(options, itemCounts[i]) * Dot(items.Row(i), items.Row(i));
        return total;
    }

    /// <summary>Solves a x = b with partial pivoting (a and b are overwritten).</summary>
    public static double[] GaussianElimination(double[,] a, double[] b)
    {
        var n = b.Length;
        for (var column = 0; column < n; column++)
        {
            var pivot = column;
            for (var row = column + 1; row < n; row++)
                if (Math.Abs(a[row, column]) > Math.Abs(a[pivot, column])) pivot = row;
            for (var j = 0; j < n; j++) (a[column, j], a[pivot, j]) = (a[pivot, j], a[column, j]);
            (b[column], b[pivot]) = (b[pivot], b[column]);
            for (var row = column + 1; row < n; row++)
            {
                var factor = a[row, column] / a[column, column];
                for (var j = column; j < n; j++) a[row, j] -= factor * a[column, j];
                b[row] -= factor * b[column];
            }
        }
        var x = new double[n];
        for (var row = n - 1; row >= 0; row--)
        {
            var sum = b[row];
            for (var j = row + 1; j < n; j++) sum -= a[row, j] * x[j];
            x[row] = sum / a[row, row];
        }
        return x;
    }

    /// <summary>Largest |a_j - b_j| over the largest |b_j|: a scale-free distance between two vectors.</summary>
    public static double RelativeError(ReadOnlySpan<float> actual, double[] expected)
    {
        double error = 0, scale = 1e-12;
        for (var j = 0; j < expected.Length; j++)
        {
            error = Math.Max(error, Math.Abs(actual[j] - expected[j]));
            scale = Math.Max(scale, Math.Abs(expected[j]));
        }
        return error / scale;
    }

    private static double Weight(float value, ImplicitAlsOptions options) =>
        options.Alpha * (options.Scaling == ConfidenceScaling.Log ? Math.Log(1.0 + value) : value);

    private static double Lambda(ImplicitAlsOptions options, int count) =>
        options.RegularizationMode == RegularizationMode.Weighted ? options.Regularization * (double)count : options.Regularization;

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0.0;
        for (var j = 0; j < a.Length; j++) sum += a[j] * (double)b[j];
        return sum;
    }
}
