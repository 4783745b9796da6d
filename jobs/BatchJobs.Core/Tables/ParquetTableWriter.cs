using BatchJobs.Core.Contracts;
using Parquet;
using Parquet.Schema;

namespace BatchJobs.Core.Tables;

/// <summary>
/// Writes a contract-shaped Parquet file from column arrays, one row group per call, so a kernel's output goes to
/// disk without a row object per record.
/// </summary>
/// <remarks>
/// Column arrays, by type: string → <c>string?[]</c>; int32/int64/float/double/boolean → the value type's array
/// (or its nullable form); date → <c>DateOnly[]</c>; timestamp → UTC <c>DateTime[]</c>; list&lt;float&gt; →
/// <c>float[][]</c>. Arrays may be longer than the row count (pooled buffers); only the first rows are written.
/// </remarks>
public sealed class ParquetTableWriter : IAsyncDisposable
{
    private readonly FileStream stream;
    private readonly ParquetWriter writer;
    private readonly IReadOnlyList<ColumnSpec> columns;
    private readonly DataField[] fields;

    private ParquetTableWriter(FileStream stream, ParquetWriter writer, IReadOnlyList<ColumnSpec> columns, ParquetSchema schema)
    {
        this.stream = stream;
        this.writer = writer;
        this.columns = columns;
        fields = schema.DataFields;
    }

    public static async Task<ParquetTableWriter> CreateAsync(string path, IReadOnlyList<ColumnSpec> columns, CancellationToken cancellationToken = default)
    {
        var schema = ParquetSchemas.For(columns);
        var stream = File.Create(path);
        // Snappy: Parquet.Net's managed zstd costs about a second per string column of 300k rows; snappy a few ms.
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy, UseDateOnlyTypeForDates = true };
        var writer = await ParquetWriter.CreateAsync(schema, stream, options, cancellationToken: cancellationToken);
        return new ParquetTableWriter(stream, writer, columns, schema);
    }

    /// <summary>Writes one row group of <paramref name="rows"/> rows; <paramref name="data"/> holds one array per column.</summary>
    public async Task WriteRowGroupAsync(int rows, IReadOnlyList<Array> data, CancellationToken cancellationToken = default)
    {
        if (data.Count != columns.Count) throw new ArgumentException($"{data.Count} column arrays given for {columns.Count} columns", nameof(data));
        using var group = writer.CreateRowGroup();
        for (var c = 0; c < columns.Count; c++)
        {
            var field = fields[c];
            var array = data[c];
            if (array.Length < rows) throw new ArgumentException($"column '{columns[c].Name}' has {array.Length} values for {rows} rows", nameof(data));
            switch (array)
            {
                case string?[] strings: await group.WriteAsync(field, new ArraySegment<string>(strings!, 0, rows)); break;
                case long[] longs: await group.WriteAsync<long>(field, longs.AsMemory(0, rows), cancellationToken: cancellationToken); break;
                case long?[] longs: await group.WriteAsync<long>(field, longs.AsMemory(0, rows), cancellationToken: cancellationToken); break;
                case int[] ints: await group.WriteAsync<int>(field, ints.AsMemory(0, rows), cancellationToken: cancellationToken); break;
                case int?[] ints: await group.WriteAsync<int>(field, ints.AsMemory(0, rows), cancellationToken: cancellationToken); break;
                case double[] doubles: await group.WriteAsync<double>(field, doubles.AsMemory(0, rows), cancellationToken: cancellationToken); break;
                case double?[] doubles: await group.WriteAsync<double>(field, doubles.AsMemory(0, rows), cancellationToken: cancellationToken); break;
                case float[] floats: await group.WriteAsync<float>(field, floats.AsMemory(0, rows), cancellationToken: cancellationToken); break;
                case float?[] floats: await group.WriteAsync<float>(field, floats.AsMemory(0, rows), cancellationToken: cancellationToken); break;
                case bool?[] bools: await group.WriteAsync<bool>(field, bools.AsMemory(0, rows), cancellationToken: cancellationToken); break;
                case bool[] bools: await group.WriteAsync<bool>(field, bools.AsMemory(0, rows), cancellationToken: cancellationToken); break;
                case DateOnly[] dates: await group.WriteAsync<DateOnly>(field, dates.AsMemory(0, rows), cancellationToken: cancellationToken); break;
                case DateTime[] times: await group.WriteAsync<DateTime>(field, times.AsMemory(0, rows), cancellationToken: cancellationToken); break;
                case float[][] lists: await WriteListsAsync(group, field, lists, rows, cancellationToken); break;
                default: throw new ArgumentException($"column '{columns[c].Name}' ({columns[c].Type.ToName()}) cannot be written from {array.GetType().Name}", nameof(data));
            }
        }
    }

    private static async Task WriteListsAsync(ParquetRowGroupWriter group, DataField field, float[][] lists, int rows, CancellationToken cancellationToken)
    {
        var total = 0;
        for (var r = 0; r < rows; r++) total += Math.Max(1, lists[r].Length);
        var values = new float[total];
        var definition = new int[total];
        var repetition = new int[total];
        var next = 0;
        var valueCount = 0;
        for (var r = 0; r < rows; r++)
        {
            var list = lists[r];
            if (list.Length == 0)
            {
                // An empty list is one slot defined up to the list level.
                definition[next] = field.MaxDefinitionLevel - 1;
                repetition[next++] = 0;
                continue;
            }
            for (var i = 0; i < list.Length; i++)
            {
                values[valueCount++] = list[i];
                definition[next] = field.MaxDefinitionLevel;
                repetition[next++] = i == 0 ? 0 : 1;
            }
        }
        await group.WriteAllPartsAsync<float>(field, values.AsMemory(0, valueCount), definition, repetition, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await writer.DisposeAsync();
        await stream.DisposeAsync();
    }
}
