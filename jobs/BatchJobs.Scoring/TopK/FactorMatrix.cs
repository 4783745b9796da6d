using System.Numerics.Tensors;

namespace BatchJobs.Scoring.TopK;

/// <summary>
/// A dense row-major float32 matrix of latent factors: one row per user or item, one column per factor.
/// </summary>
/// <remarks>
/// The matrix does not copy its values; callers must not change them while a scorer runs.
/// </remarks>
public sealed class FactorMatrix
{
    /// <summary>Wraps <paramref name="values"/> (length <c>rows * columns</c>) as a row-major matrix.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative, or there are no columns.</exception>
    /// <exception cref="ArgumentException">The number of values is not <c>rows * columns</c>.</exception>
    public FactorMatrix(ReadOnlyMemory<float> values, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (values.Length != (long)rows * columns)
        {
            throw new ArgumentException(
                $"A {rows} x {columns} factor matrix needs {(long)rows * columns} values but {values.Length} were given; " +
                "pass the factors row-major with exactly rows * columns values.",
                nameof(values));
        }
        Values = values;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>The factors, row-major.</summary>
    public ReadOnlyMemory<float> Values { get; }

    /// <summary>The number of rows (users or items).</summary>
    public int Rows { get; }

    /// <summary>The number of factors per row.</summary>
    public int Columns { get; }

    /// <summary>The factors of one row.</summary>
    public ReadOnlySpan<float> Row(int row) => Values.Span.Slice(row * Columns, Columns);

    /// <summary>A copy of the rows scaled to unit Euclidean length; zero rows stay zero.</summary>
    public FactorMatrix Normalised() => new(UnitRows(Values.Span, Columns), Rows, Columns);

    /// <summary>
    /// A copy of row-major vectors of <paramref name="columns"/> values each, scaled to unit Euclidean length; zero rows
    /// stay zero. The one normalisation of the suite: cosine neighbours, clustering and diversity all use it, so a
    /// vector's unit form is the same to the last bit wherever it is computed.
    /// </summary>
    public static float[] UnitRows(ReadOnlySpan<float> values, int columns)
    {
        var unit = new float[values.Length];
        for (var row = 0; row < values.Length / columns; row++)
        {
            var source = values.Slice(row * columns, columns);
            var norm = TensorPrimitives.Norm(source);
            if (norm > 0f) TensorPrimitives.Divide(source, norm, unit.AsSpan(row * columns, columns));
        }
        return unit;
    }

    /// <summary>Throws naming the first row and column that holds a NaN or an infinity.</summary>
    internal void ThrowIfNotFinite(string parameterName)
    {
        var values = Values.Span;
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new ArgumentException(
                    $"{parameterName} row {i / Columns}, factor {i % Columns} is {values[i]}; factors must be finite " +
                    "(retrain or drop the row).",
                    parameterName);
            }
        }
    }
}
