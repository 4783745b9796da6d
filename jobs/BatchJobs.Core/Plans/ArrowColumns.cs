using Apache.Arrow;
using Array = System.Array;
using Apache.Arrow.Types;
using BatchJobs.Core.Contracts;

namespace BatchJobs.Core.Plans;

/// <summary>
/// Reads columns of a record batch by name and builds record batches from column arrays, in the portable types of
/// contracts, so kernels need no Arrow plumbing of their own.
/// </summary>
/// <remarks>
/// Column arrays, by type (as <see cref="Tables.ParquetTableWriter"/> takes them): string → <c>string?[]</c>;
/// int32/int64/float/double/boolean → the value type's array; date → <c>DateOnly[]</c>; timestamp → UTC
/// <c>DateTime[]</c>; list&lt;float&gt; → <c>float[][]</c>. Arrays may be longer than the row count.
/// </remarks>
public static class ArrowColumns
{
    /// <summary>The Arrow type every engine uses for a portable column type.</summary>
    public static IArrowType TypeOf(ColumnType type) => type switch
    {
        ColumnType.String => StringType.Default,
        ColumnType.Int32 => Int32Type.Default,
        ColumnType.Int64 => Int64Type.Default,
        ColumnType.Float => FloatType.Default,
        ColumnType.Double => DoubleType.Default,
        ColumnType.Boolean => BooleanType.Default,
        ColumnType.Date => Date32Type.Default,
        ColumnType.Timestamp => new TimestampType(TimeUnit.Microsecond, "UTC"),
        ColumnType.FloatList => new ListType(FloatType.Default),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a portable column type"),
    };

    /// <summary>Builds a batch of <paramref name="rows"/> rows from one array per column of <paramref name="schema"/>.</summary>
    public static RecordBatch Batch(IReadOnlyList<ColumnSpec> schema, int rows, IReadOnlyList<Array> columns)
    {
        if (columns.Count != schema.Count) throw new ArgumentException($"{columns.Count} column arrays given for {schema.Count} columns", nameof(columns));
        var fields = schema.Select(c => new Field(c.Name, TypeOf(c.Type), c.Nullable)).ToList();
        var arrays = new IArrowArray[schema.Count];
        for (var c = 0; c < schema.Count; c++)
        {
            if (columns[c].Length < rows) throw new ArgumentException($"column '{schema[c].Name}' has {columns[c].Length} values for {rows} rows", nameof(columns));
            arrays[c] = Array(schema[c], columns[c], rows);
        }
        return new RecordBatch(new Schema(fields, null), arrays, rows);
    }

    /// <summary>The column arrays of a batch, in <paramref name="schema"/>'s order and types, matched by name.</summary>
    public static Array[] Columns(RecordBatch batch, IReadOnlyList<ColumnSpec> schema) =>
        schema.Select(c => ToArray(Column(batch, c.Name), c, batch.Length)).ToArray();

    public static string[] Strings(this RecordBatch batch, string column)
    {
        var array = (StringArray)Column(batch, column);
        var values = new string[array.Length];
        for (var i = 0; i < values.Length; i++) values[i] = array.GetString(i) ?? "";
        return values;
    }

    public static ReadOnlySpan<int> Int32s(this RecordBatch batch, string column) => ((Int32Array)Column(batch, column)).Values;

    public static ReadOnlySpan<long> Int64s(this RecordBatch batch, string column) => ((Int64Array)Column(batch, column)).Values;

    public static ReadOnlySpan<float> Floats(this RecordBatch batch, string column) => ((FloatArray)Column(batch, column)).Values;

    public static ReadOnlySpan<double> Doubles(this RecordBatch batch, string column) => ((DoubleArray)Column(batch, column)).Values;

    /// <summary>
    /// A list&lt;float&gt; column whose lists all have <paramref name="width"/> values, as one dense row-major matrix.
    /// </summary>
    /// <exception cref="InvalidDataException">A list has another length (or is null).</exception>
    public static float[] FloatMatrix(this RecordBatch batch, string column, out int width)
    {
        var lists = (ListArray)Column(batch, column);
        var values = ((FloatArray)lists.Values).Values;
        var offsets = lists.ValueOffsets;
        width = lists.Length == 0 ? 0 : offsets[1] - offsets[0];
        var dense = new float[lists.Length * width];
        for (var r = 0; r < lists.Length; r++)
        {
            if (lists.IsNull(r) || offsets[r + 1] - offsets[r] != width)
                throw new InvalidDataException($"column '{column}', row {r + 1}: a list of {offsets[r + 1] - offsets[r]} values where the first has {width}; every vector must have the same length");
            values.Slice(offsets[r], width).CopyTo(dense.AsSpan(r * width, width));
        }
        return dense;
    }

    private static IArrowArray Column(RecordBatch batch, string name)
    {
        var index = batch.Schema.GetFieldIndex(name);
        return index >= 0 ? batch.Column(index)
            : throw new ArgumentException($"the rows have no column '{name}'; they have {string.Join(", ", batch.Schema.FieldsList.Select(f => f.Name))}", nameof(name));
    }

    private static IArrowArray Array(ColumnSpec column, Array values, int rows)
    {
        switch (values)
        {
            case string?[] strings:
            {
                var builder = new StringArray.Builder();
                for (var i = 0; i < rows; i++)
                    if (strings[i] is { } s) builder.Append(s);
                    else builder.AppendNull();
                return builder.Build();
            }
            case int[] ints when column.Type == ColumnType.Int32: return new Int32Array.Builder().Append(ints.AsSpan(0, rows)).Build();
            case long[] longs when column.Type == ColumnType.Int64: return new Int64Array.Builder().Append(longs.AsSpan(0, rows)).Build();
            case float[] floats when column.Type == ColumnType.Float: return new FloatArray.Builder().Append(floats.AsSpan(0, rows)).Build();
            case double[] doubles when column.Type == ColumnType.Double: return new DoubleArray.Builder().Append(doubles.AsSpan(0, rows)).Build();
            case bool[] bools when column.Type == ColumnType.Boolean:
            {
                var builder = new BooleanArray.Builder();
                for (var i = 0; i < rows; i++) builder.Append(bools[i]);
                return builder.Build();
            }
            case DateOnly[] dates when column.Type == ColumnType.Date:
            {
                var builder = new Date32Array.Builder();
                for (var i = 0; i < rows; i++) builder.Append(dates[i]);
                return builder.Build();
            }
            case DateTime[] times when column.Type == ColumnType.Timestamp:
            {
                var builder = new TimestampArray.Builder((TimestampType)TypeOf(ColumnType.Timestamp));
                for (var i = 0; i < rows; i++) builder.Append(new DateTimeOffset(DateTime.SpecifyKind(times[i], DateTimeKind.Utc)));
                return builder.Build();
            }
            case float[][] lists when column.Type == ColumnType.FloatList:
            {
                var builder = new ListArray.Builder(FloatType.Default);
                var items = (FloatArray.Builder)builder.ValueBuilder;
                for (var i = 0; i < rows; i++)
                {
                    builder.Append();
                    items.Append(lists[i]);
                }
                return builder.Build();
            }
            default:
                throw new ArgumentException($"column '{column.Name}' ({column.Type.ToName()}) cannot be built from {values.GetType().Name}", nameof(values));
        }
    }

    private static Array ToArray(IArrowArray array, ColumnSpec column, int rows) => (column.Type, array) switch
    {
        (ColumnType.String, StringArray s) => Fill(new string?[rows], i => s.GetString(i)),
        (ColumnType.Int32, Int32Array a) => a.Values.ToArray(),
        (ColumnType.Int32, Int64Array a) => Fill(new int[rows], i => checked((int)a.Values[i])),
        (ColumnType.Int64, Int64Array a) => a.Values.ToArray(),
        (ColumnType.Int64, Int32Array a) => Fill(new long[rows], i => a.Values[i]),
        (ColumnType.Float, FloatArray a) => a.Values.ToArray(),
        (ColumnType.Float, DoubleArray a) => Fill(new float[rows], i => (float)a.Values[i]),
        (ColumnType.Double, DoubleArray a) => a.Values.ToArray(),
        (ColumnType.Double, FloatArray a) => Fill(new double[rows], i => a.Values[i]),
        (ColumnType.Boolean, BooleanArray a) => Fill(new bool[rows], i => a.GetValue(i) ?? false),
        (ColumnType.Date, Date32Array a) => Fill(new DateOnly[rows], i => a.GetDateOnly(i) ?? default),
        (ColumnType.Timestamp, TimestampArray a) => Fill(new DateTime[rows], i => a.GetTimestamp(i)?.UtcDateTime ?? default),
        (ColumnType.FloatList, ListArray a) => Fill(new float[rows][], i => ((FloatArray)a.GetSlicedValues(i)).Values.ToArray()),
        _ => throw new InvalidDataException($"column '{column.Name}' is {array.Data.DataType.Name} where the schema says {column.Type.ToName()}"),
    };

    private static T[] Fill<T>(T[] target, Func<int, T> value)
    {
        for (var i = 0; i < target.Length; i++) target[i] = value(i);
        return target;
    }
}
