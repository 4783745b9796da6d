using Parquet;
using Parquet.Data;
using Parquet.Schema;

namespace BatchJobs.Core.Tables;

/// <summary>
/// Reads Parquet files written by any engine (Parquet.Net, DuckDB, Spark) into rows of CLR values: strings,
/// long/int, float/double, bool, <see cref="DateOnly"/> for dates, UTC <see cref="DateTime"/> for timestamps and
/// <c>float[]</c> for <c>list&lt;float&gt;</c>. Meant for inspection and checks, not for hot loops.
/// </summary>
public static class ParquetRows
{
    private static readonly ParquetOptions Options = new() { UseDateOnlyTypeForDates = true };

    /// <summary>The column names of a file, in order.</summary>
    public static async Task<IReadOnlyList<string>> ReadColumnNamesAsync(string file, CancellationToken cancellationToken = default)
    {
        await using var reader = await ParquetReader.CreateAsync(file, Options, cancellationToken);
        return TopLevelNames(reader.Schema);
    }

    /// <summary>Total rows of a file from its footer.</summary>
    public static async Task<long> CountRowsAsync(string file, CancellationToken cancellationToken = default)
    {
        await using var reader = await ParquetReader.CreateAsync(file, Options, cancellationToken);
        return reader.Metadata?.NumRows ?? 0;
    }

    /// <summary>Streams the rows of a file, one row group in memory at a time.</summary>
    public static async IAsyncEnumerable<object?[]> ReadAsync(string file, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var reader = await ParquetReader.CreateAsync(file, Options, cancellationToken);
        var fields = reader.Schema.DataFields;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            var group = reader.OpenRowGroupReader(g);
            var columns = new object?[fields.Length][];
            for (var c = 0; c < fields.Length; c++)
            {
                using var raw = await group.ReadRawColumnDataBaseAsync(fields[c], cancellationToken);
                columns[c] = Expand(raw, fields[c]);
            }
            var rows = columns.Length == 0 ? 0 : columns[0].Length;
            for (var r = 0; r < rows; r++)
            {
                var row = new object?[fields.Length];
                for (var c = 0; c < fields.Length; c++) row[c] = columns[c][r];
                yield return row;
            }
        }
    }

    private static IReadOnlyList<string> TopLevelNames(ParquetSchema schema) => schema.Fields.Select(f => f.Name).ToList();

    private static object?[] Expand(RawColumnData raw, DataField field) => raw switch
    {
        RawColumnData<ReadOnlyMemory<char>> s => Expand(s, field, v => v.ToString()),
        RawColumnData<long> l => Expand(l, field, v => v),
        RawColumnData<int> i => Expand(i, field, v => v),
        RawColumnData<float> f => Expand(f, field, v => v),
        RawColumnData<double> d => Expand(d, field, v => v),
        RawColumnData<bool> b => Expand(b, field, v => v),
        RawColumnData<DateOnly> d => Expand(d, field, v => v),
        RawColumnData<DateTime> t => Expand(t, field, v => DateTime.SpecifyKind(v, DateTimeKind.Utc)),
        _ => throw new NotSupportedException($"column '{field.Name}' has type {field.ClrType.Name}, which is not one of the portable types"),
    };

    private static object?[] Expand<T>(RawColumnData<T> raw, DataField field, Func<T, object> box) where T : struct
    {
        var values = raw.Values;
        if (field.MaxRepetitionLevel > 0) return ExpandLists(raw, field, box);
        if (field.MaxDefinitionLevel == 0)
        {
            var dense = new object?[values.Length];
            for (var i = 0; i < values.Length; i++) dense[i] = box(values[i]);
            return dense;
        }
        var levels = raw.DefinitionLevels;
        var result = new object?[levels.Length];
        var next = 0;
        for (var i = 0; i < levels.Length; i++)
            result[i] = levels[i] == field.MaxDefinitionLevel ? box(values[next++]) : null;
        return result;
    }

    private static object?[] ExpandLists<T>(RawColumnData<T> raw, DataField field, Func<T, object> box) where T : struct
    {
        var values = raw.Values;
        var repetition = raw.RepetitionLevels;
        var definition = raw.DefinitionLevels;
        var rows = new List<object?>();
        List<T>? current = null;
        var next = 0;
        for (var i = 0; i < repetition.Length; i++)
        {
            if (repetition[i] == 0)
            {
                if (current is not null) rows.Add(ToArray(current, box));
                // Level 0 = null list, level 1 = empty list, max = a present element.
                current = definition[i] == 0 ? null : [];
                if (current is null) rows.Add(null);
            }
            if (definition[i] == field.MaxDefinitionLevel) current!.Add(values[next++]);
        }
        if (current is not null) rows.Add(ToArray(current, box));
        return rows.ToArray();
    }

    private static object ToArray<T>(List<T> items, Func<T, object> box) =>
        items is List<float> floats ? floats.ToArray() : items.Select(box).ToArray();
}
