using Parquet;
using Parquet.Schema;

namespace BatchJobs.Core.Tables;

/// <summary>Reads a numeric column of a row group whether the writer declared it required or optional.</summary>
public static class ParquetNumericColumns
{
    /// <summary>
    /// The values of <paramref name="field"/>, nulls as 0. DuckDB writes optional columns and the Parquet table writer
    /// required ones (the contract's nullable: false); Parquet.Net 6.1 must read each through its own overload — the
    /// nullable one on a required column returns random nulls (regression: a history that changed from one read to the next).
    /// </summary>
    public static async Task<T[]> ReadAsync<T>(ParquetRowGroupReader group, DataField field, CancellationToken cancellationToken)
        where T : struct
    {
        var rows = checked((int)group.RowCount);
        var values = new T[rows];
        if (!field.IsNullable)
        {
            await group.ReadAsync<T>(field, values.AsMemory(), cancellationToken: cancellationToken);
            return values;
        }
        var nullable = new T?[rows];
        await group.ReadAsync<T>(field, nullable.AsMemory(), cancellationToken: cancellationToken);
        for (var i = 0; i < rows; i++) values[i] = nullable[i] ?? default;
        return values;
    }
}
