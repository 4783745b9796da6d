using BatchJobs.Core.Contracts;

namespace BatchJobs.Core.Engine;

/// <summary>The embedded engine: DuckDB in-process for SQL stages, on all cores.</summary>
public sealed class LocalEngine : IStageEngine
{
    public Task RunSqlAsync(SqlStage stage, string outputFile, CancellationToken cancellationToken)
    {
        using var db = new DuckDbSession();
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            foreach (var (name, files) in stage.Views) db.CreateParquetView(name, files);
            foreach (var table in stage.Tables) Bind(db, table);
            db.CopyToParquet(stage.Sql, outputFile);
        }
        catch (DuckDB.NET.Data.DuckDBException e)
        {
            throw new InvalidOperationException($"SQL stage '{stage.Name}' failed in DuckDB: {e.Message}", e);
        }
        return Task.CompletedTask;
    }

    private static void Bind(DuckDbSession db, InlineTable table)
    {
        var columns = string.Join(", ", table.Columns.Select(c => $"{DuckDbSession.Quote(c.Name)} {SqlType(c.Type)}"));
        db.Execute($"create or replace temp table {DuckDbSession.Quote(table.Name)} ({columns})");
        var placeholders = string.Join(", ", table.Columns.Select((_, i) => $"${i + 1}"));
        foreach (var row in table.Rows)
            db.Execute($"insert into {DuckDbSession.Quote(table.Name)} values ({placeholders})", row.Select(ToDuckDb).ToArray());
    }

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
