using BatchJobs.Core.Contracts;
using Parquet;
using Parquet.Schema;

namespace BatchJobs.Core.Tables;

/// <summary>Maps contract schemas to Parquet schemas and back, so every engine writes the same portable types.</summary>
public static class ParquetSchemas
{
    /// <summary>The Parquet schema for a contract's columns, in contract order.</summary>
    public static ParquetSchema For(IReadOnlyList<ColumnSpec> columns) => new(columns.Select(Field));

    /// <summary>The Parquet field for one contract column.</summary>
    public static Field Field(ColumnSpec column) => column.Type switch
    {
        ColumnType.String => new DataField<string>(column.Name, column.Nullable),
        ColumnType.Int32 => new DataField(column.Name, typeof(int), column.Nullable),
        ColumnType.Int64 => new DataField(column.Name, typeof(long), column.Nullable),
        ColumnType.Float => new DataField(column.Name, typeof(float), column.Nullable),
        ColumnType.Double => new DataField(column.Name, typeof(double), column.Nullable),
        ColumnType.Boolean => new DataField(column.Name, typeof(bool), column.Nullable),
        ColumnType.Date => new DataField(column.Name, typeof(DateOnly), column.Nullable),
        ColumnType.Timestamp => new DateTimeDataField(column.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: column.Nullable),
        ColumnType.FloatList => new ListField(column.Name, new DataField<float>("element", false)),
        _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, "not a portable column type"),
    };

    /// <summary>
    /// The portable type a written Parquet column has, or null where it has none (e.g. DuckDB's HUGEINT sums, which
    /// it writes as double: cast them in the SQL).
    /// </summary>
    public static ColumnType? PortableTypeOf(Field field) => field switch
    {
        ListField { Item: DataField { ClrType: var t } } when t == typeof(float) => ColumnType.FloatList,
        DateTimeDataField { DateTimeFormat: DateTimeFormat.Date } => ColumnType.Date,
        DateTimeDataField => ColumnType.Timestamp,
        DataField data when data.ClrType == typeof(string) || data.ClrType == typeof(ReadOnlyMemory<char>) => ColumnType.String,
        DataField data when data.ClrType == typeof(int) => ColumnType.Int32,
        DataField data when data.ClrType == typeof(long) => ColumnType.Int64,
        DataField data when data.ClrType == typeof(float) => ColumnType.Float,
        DataField data when data.ClrType == typeof(double) => ColumnType.Double,
        DataField data when data.ClrType == typeof(bool) => ColumnType.Boolean,
        DataField data when data.ClrType == typeof(DateOnly) => ColumnType.Date,
        DataField data when data.ClrType == typeof(DateTime) => ColumnType.Timestamp,
        _ => null,
    };

    /// <summary>Reads the top-level columns of a file with their portable types (null where not portable).</summary>
    public static async Task<IReadOnlyList<(string Name, ColumnType? Type)>> ReadAsync(string file, CancellationToken cancellationToken = default)
    {
        await using var reader = await ParquetReader.CreateAsync(file, new ParquetOptions { UseDateOnlyTypeForDates = true }, cancellationToken);
        return reader.Schema.Fields.Select(f => (f.Name, PortableTypeOf(f))).ToList();
    }
}
