using System.Globalization;
using System.Threading.Channels;
using Apache.Arrow;
using Array = System.Array;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;
using BatchJobs.Core.Snapshots;
using BatchJobs.Core.Tables;
using DuckDB.NET.Data;

namespace BatchJobs.Core.Engine;

/// <summary>
/// The embedded engine. SQL stages run in DuckDB in-process on all cores. A kernel stage is streamed: DuckDB sorts the
/// source by group and key and hands it over as Arrow batches, the batches are cut into groups, the groups run on
/// every core, and their output is written to Parquet in group order as it comes, so memory holds the side inputs and
/// a bounded number of groups, never the whole source.
/// </summary>
public sealed class LocalEngine : IStageEngine
{
    private const string GroupColumn = "__group";

    /// <summary>Output rows gathered before they are written as one Parquet row group.</summary>
    private const int RowGroupRows = 262_144;

    /// <summary>How many groups may be read, running or waiting to be written at once (default: twice the cores).</summary>
    public int GroupsInFlight { get; init; } = 2 * Environment.ProcessorCount;

    public async Task RunAsync(StagePlan plan, IReadOnlyDictionary<string, StagedSnapshot> outputs, string scratchDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(scratchDirectory);
        using var db = new DuckDbSession();
        foreach (var input in plan.Datasets)
        {
            try
            {
                BindDataset(db, input);
            }
            catch (DuckDBException e)
            {
                throw new InvalidOperationException($"input '{input.Name}' of '{plan.Job}' failed in DuckDB: {e.Message}", e);
            }
        }
        foreach (var table in plan.Tables) BindTable(db, table);
        var published = plan.Outputs.ToDictionary(o => o.Stage, o => outputs[o.Dataset], StringComparer.Ordinal);
        foreach (var stage in plan.Stages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            published.TryGetValue(stage.Name, out var target);
            var file = target?.FilePath("part-00000.parquet") ?? Path.Combine(scratchDirectory, stage.Name + ".parquet");
            try
            {
                switch (stage)
                {
                    case SqlStage sql:
                        db.CopyToParquet(sql.Sql, file);
                        break;
                    case KernelStage kernel:
                        var sides = new SideInputs(await ReadSideInputsAsync(db, kernel, cancellationToken));
                        await RunKernelAsync(db, kernel, sides, file, target?.Contract.Schema ?? kernel.Kernel.OutputSchema, cancellationToken);
                        break;
                }
                db.CreateParquetView(stage.Name, [file]);
            }
            catch (DuckDBException e)
            {
                throw new InvalidOperationException($"stage '{stage.Name}' of '{plan.Job}' failed in DuckDB: {e.Message}", e);
            }
        }
        foreach (var output in plan.Outputs)
        {
            var staged = outputs[output.Dataset];
            db.CreateParquetView(output.Dataset, [staged.FilePath("part-00000.parquet")]);
            foreach (var (name, sql) in output.Statistics)
                staged.Statistics[name] = db.Scalar(sql) switch
                {
                    // DuckDB sums integers into 128 bits.
                    System.Numerics.BigInteger big => (double)big,
                    var value => Convert.ToDouble(value ?? 0, CultureInfo.InvariantCulture),
                };
        }
    }

    /// <summary>
    /// The runs of a dataset as one view of the contract's columns and <c>dt</c>, each run's rows tagged with its
    /// partition; no runs give an empty view of the same columns.
    /// </summary>
    private static void BindDataset(DuckDbSession db, DatasetRuns input)
    {
        var columns = input.Schema.Where(c => c.Name != DatasetRuns.PartitionColumn).ToList();
        var select = string.Join(", ", columns.Select(c => DuckDbSession.Quote(c.Name)));
        var parts = input.Runs.Select(run =>
            $"select {select}, date {DuckDbSession.Literal(SnapshotLayout.FormatDate(run.Partition))} as dt from read_parquet({DuckDbSession.FileList(run.FilePaths)}, hive_partitioning = false)").ToList();
        if (parts.Count == 0)
            parts.Add($"select {string.Join(", ", columns.Select(c => $"cast(null as {SqlType(c.Type)}) as {DuckDbSession.Quote(c.Name)}"))}, cast(null as date) as dt where false");
        db.Execute($"create or replace temp view {DuckDbSession.Quote(input.Name)} as {string.Join(" union all ", parts)}");
    }

    private static void BindTable(DuckDbSession db, InlineTable table)
    {
        var columns = string.Join(", ", table.Columns.Select(c => $"{DuckDbSession.Quote(c.Name)} {SqlType(c.Type)}"));
        db.Execute($"create or replace temp table {DuckDbSession.Quote(table.Name)} ({columns})");
        var placeholders = string.Join(", ", table.Columns.Select((_, i) => $"${i + 1}"));
        foreach (var row in table.Rows)
            db.Execute($"insert into {DuckDbSession.Quote(table.Name)} values ({placeholders})", row.Select(ToDuckDb).ToArray());
    }

    private async Task RunKernelAsync(DuckDbSession db, KernelStage stage, SideInputs sides, string file, IReadOnlyList<ColumnSpec> schema, CancellationToken cancellationToken)
    {
        var key = DuckDbSession.Quote(stage.GroupBy);
        var source = DuckDbSession.Quote(stage.Source);
        var keys = Convert.ToInt64(db.Scalar($"select count(distinct {key}) from {source}"), CultureInfo.InvariantCulture);
        var groups = Math.Max(1, (keys + stage.KeysPerGroup - 1) / Math.Max(1, stage.KeysPerGroup));
        var order = string.Join(", ", new[] { GroupColumn, stage.GroupBy }.Concat(stage.OrderBy).Select(DuckDbSession.Quote));
        var sql = $"select *, cast(hash({key}) % {groups} as bigint) as {GroupColumn} from {source} order by {order}";

        await using var writer = await ParquetTableWriter.CreateAsync(file, schema, cancellationToken);
        // Groups run in parallel but are written in the order they were read, so a run's files do not depend on timing.
        var pending = Channel.CreateBounded<Task<RecordBatch>>(Math.Max(1, GroupsInFlight));
        var writing = WriteInOrderAsync(pending.Reader, writer, schema, cancellationToken);
        try
        {
            await foreach (var group in GroupsAsync(db, sql, cancellationToken))
                await pending.Writer.WriteAsync(Task.Run(() => stage.Kernel.Apply(group, sides), cancellationToken), cancellationToken);
        }
        finally
        {
            pending.Writer.Complete();
        }
        await writing;
    }

    private static async Task WriteInOrderAsync(ChannelReader<Task<RecordBatch>> results, ParquetTableWriter writer, IReadOnlyList<ColumnSpec> schema,
        CancellationToken cancellationToken)
    {
        var gathered = new List<RecordBatch>();
        var rows = 0;
        var rowGroups = 0;
        async Task FlushAsync()
        {
            var batch = Concatenate(gathered);
            await writer.WriteRowGroupAsync(batch.Length, ArrowColumns.Columns(batch, schema), cancellationToken);
            gathered.Clear();
            rows = 0;
            rowGroups++;
        }
        await foreach (var result in results.ReadAllAsync(cancellationToken))
        {
            var batch = await result;
            if (batch.Length == 0) continue;
            gathered.Add(batch);
            rows += batch.Length;
            if (rows >= RowGroupRows) await FlushAsync();
        }
        if (rows > 0) await FlushAsync();
        if (rowGroups == 0) await writer.WriteRowGroupAsync(0, schema.Select(EmptyArray).ToArray(), cancellationToken);
    }

    /// <summary>Cuts the sorted stream into groups by its last column (the group number), copying rows out of DuckDB's batches.</summary>
    private static async IAsyncEnumerable<RecordBatch> GroupsAsync(DuckDbSession db, string sql, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var parts = new List<RecordBatch>();
        long current = -1;
        await foreach (var batch in db.ArrowBatchesAsync(sql, cancellationToken))
        {
            using (batch)
            {
                var (starts, last) = GroupStarts(batch, current);
                var start = 0;
                foreach (var next in starts)
                {
                    if (next > start) parts.Add(Copy(batch, start, next - start, batch.ColumnCount - 1));
                    if (parts.Count > 0)
                    {
                        yield return Concatenate(parts);
                        parts.Clear();
                    }
                    start = next;
                }
                if (batch.Length > start) parts.Add(Copy(batch, start, batch.Length - start, batch.ColumnCount - 1));
                current = last;
            }
        }
        if (parts.Count > 0) yield return Concatenate(parts);
    }

    /// <summary>The rows of a batch where a group other than the one before starts, and the group of its last row.</summary>
    private static (List<int> Starts, long Last) GroupStarts(RecordBatch batch, long current)
    {
        var groupOf = ((Int64Array)batch.Column(batch.ColumnCount - 1)).Values;
        var starts = new List<int>();
        for (var i = 0; i < groupOf.Length; i++)
        {
            if (groupOf[i] == current) continue;
            starts.Add(i);
            current = groupOf[i];
        }
        return (starts, current);
    }

    /// <summary>Rows of a DuckDB batch, its first <paramref name="columns"/> columns, in managed memory that outlives the batch.</summary>
    private static RecordBatch Copy(RecordBatch batch, int offset, int length, int columns)
    {
        var fields = batch.Schema.FieldsList.Take(columns).ToList();
        var arrays = fields.Select((_, c) => DeepCopy(ArrowArrayFactory.Slice(batch.Column(c), offset, length))).ToList();
        return new RecordBatch(new Schema(fields, null), arrays, length);
    }

    /// <summary>
    /// An array whose buffers, and its children's, are managed copies. Arrow's concatenation keeps referring to the
    /// buffers of a list's values, which DuckDB frees with the batch, so copying is done here, buffer by buffer (a slice
    /// copies its batch's whole buffers: at most one DuckDB vector of 2,048 rows).
    /// </summary>
    private static IArrowArray DeepCopy(IArrowArray array) => ArrowArrayFactory.BuildArray(DeepCopy(array.Data));

    private static ArrayData DeepCopy(ArrayData data) => new(data.DataType, data.Length, data.NullCount, data.Offset,
        data.Buffers.Select(b => b.Length == 0 ? ArrowBuffer.Empty : new ArrowBuffer(b.Span.ToArray())),
        data.Children?.Select(DeepCopy), data.Dictionary is null ? null : DeepCopy(data.Dictionary));

    /// <summary>
    /// One batch of the parts' rows. The parts are emptied: each column's pieces are let go as soon as that column is
    /// joined, so a group of all rows (a one-group model stage) peaks at its size plus one column, not twice its size.
    /// </summary>
    private static RecordBatch Concatenate(List<RecordBatch> parts)
    {
        if (parts.Count == 1) return parts[0];
        var schema = parts[0].Schema;
        var length = parts.Sum(p => p.Length);
        var pieces = Enumerable.Range(0, parts[0].ColumnCount).Select(c => parts.Select(p => p.Column(c)).ToList()).ToList();
        parts.Clear();
        var arrays = new IArrowArray[pieces.Count];
        for (var c = 0; c < pieces.Count; c++)
        {
            arrays[c] = ArrowArrayConcatenator.Concatenate(pieces[c]);
            pieces[c].Clear();
        }
        return new RecordBatch(schema, arrays, length);
    }

    /// <summary>Reads every side input whole before the stage streams, as the stream holds the connection.</summary>
    private static async Task<Dictionary<string, RecordBatch>> ReadSideInputsAsync(DuckDbSession db, KernelStage stage, CancellationToken cancellationToken)
    {
        var read = new Dictionary<string, RecordBatch>(StringComparer.Ordinal);
        foreach (var relation in stage.SideInputs)
        {
            var parts = new List<RecordBatch>();
            await foreach (var batch in db.ArrowBatchesAsync($"select * from {DuckDbSession.Quote(relation)}", cancellationToken))
                using (batch)
                    parts.Add(Copy(batch, 0, batch.Length, batch.ColumnCount));
            read[relation] = parts.Count > 0 ? Concatenate(parts)
                : throw new InvalidOperationException($"side input '{relation}' of stage '{stage.Name}' has no rows; a kernel's side inputs need at least one");
        }
        return read;
    }

    private static Array EmptyArray(ColumnSpec column) => column.Type switch
    {
        ColumnType.String => Array.Empty<string?>(),
        ColumnType.Int32 => Array.Empty<int>(),
        ColumnType.Int64 => Array.Empty<long>(),
        ColumnType.Float => Array.Empty<float>(),
        ColumnType.Double => Array.Empty<double>(),
        ColumnType.Boolean => Array.Empty<bool>(),
        ColumnType.Date => Array.Empty<DateOnly>(),
        ColumnType.Timestamp => Array.Empty<DateTime>(),
        ColumnType.FloatList => Array.Empty<float[]>(),
        _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, null),
    };

    private static object? ToDuckDb(object? value) => value switch
    {
        DateOnly date => date.ToDateTime(TimeOnly.MinValue),
        _ => value,
    };

    private static string SqlType(ColumnType type) => type switch
    {
        ColumnType.String => "varchar",
        ColumnType.Int32 => "integer",
        ColumnType.Int64 => "bigint",
        ColumnType.Float => "float",
        ColumnType.Double => "double",
        ColumnType.Boolean => "boolean",
        ColumnType.Date => "date",
        ColumnType.Timestamp => "timestamptz",
        ColumnType.FloatList => "float[]",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
