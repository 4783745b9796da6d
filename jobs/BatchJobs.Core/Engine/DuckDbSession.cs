using System.Data.Common;
using System.Runtime.CompilerServices;
using Apache.Arrow;
using DuckDB.NET.Data;

namespace BatchJobs.Core.Engine;

/// <summary>
/// A connection to the process's in-process DuckDB database for one job or check run: UTC session time zone
/// (timestamps are instants), all cores, and helpers to bind Parquet files as views named after datasets. A session's
/// views and tables are temporary, so it sees only its own.
/// </summary>
public sealed class DuckDbSession : IDisposable
{
    /// <summary>
    /// How much memory DuckDB may hold before its sorts, joins and aggregates spill to the temp folder:
    /// <c>BATCHJOBS_DUCKDB_MEMORY_LIMIT</c> (DuckDB's own spelling, e.g. <c>6GB</c>), 4 GB by default. DuckDB's default is
    /// 80 % of the machine, which a million users' affinity filled (20.4 GB) beside the job's own memory.
    /// </summary>
    public static string MemoryLimit { get; } = Environment.GetEnvironmentVariable("BATCHJOBS_DUCKDB_MEMORY_LIMIT") is { Length: > 0 } limit ? limit : "4GB";

    private static readonly string SharedDatabase = "Data Source=" + DuckDBConnectionStringBuilder.InMemorySharedDataSource;

    /// <summary>
    /// Keeps the shared in-memory database open for the life of the process. Every session connects to it rather than
    /// creating a database of its own: a new database spent ~150 ms before its first scan ran at full speed (the
    /// unique check of a 778k-row day: 230 ms in a new database, 75 ms once warm), which a daily job paid for each
    /// dataset it checked.
    /// </summary>
    private static readonly Lazy<DuckDBConnection> Database = new(() =>
    {
        var keeper = new DuckDBConnection(SharedDatabase);
        keeper.Open();
        // Threads and insertion order are settings of the database, shared by every connection to it, so they are made
        // once here; the time zone is a connection's own.
        using var settings = keeper.CreateCommand();
        settings.CommandText = $"set threads = {Environment.ProcessorCount}; set preserve_insertion_order = false; " +
            $"set memory_limit = {Literal(MemoryLimit)}; set temp_directory = {Literal(Path.Combine(Path.GetTempPath(), $"batchjobs-duckdb-{Environment.ProcessId}"))}";
        settings.ExecuteNonQuery();
        return keeper;
    });

    private readonly DuckDBConnection connection;

    public DuckDbSession()
    {
        connection = OpenConnection();
        Execute("set TimeZone = 'UTC'");
    }

    /// <summary>An open connection to the shared database, for callers that need DuckDB.NET itself (Arrow batches).</summary>
    public static DuckDBConnection OpenConnection()
    {
        _ = Database.Value;
        var connection = new DuckDBConnection(SharedDatabase);
        connection.Open();
        return connection;
    }

    /// <summary>
    /// Binds the given Parquet files as a view, with the files' own columns: nothing is inferred from folder names. A
    /// view needs at least one file.
    /// </summary>
    /// <param name="name">A validated snake_case dataset name.</param>
    /// <param name="files">The Parquet files of the view, at least one.</param>
    public void CreateParquetView(string name, IReadOnlyList<string> files)
    {
        if (files.Count == 0) throw new ArgumentException($"view '{name}' needs at least one Parquet file", nameof(files));
        Execute($"create or replace temp view {Quote(name)} as select * from read_parquet({FileList(files)}, hive_partitioning = false)");
    }

    /// <summary>A SQL list literal of file paths, for read_parquet and parquet_metadata.</summary>
    public static string FileList(IEnumerable<string> files) => $"[{string.Join(", ", files.Select(Literal))}]";

    /// <summary>Runs a statement with positional parameters (<c>$1</c>, <c>$2</c>, ...).</summary>
    public int Execute(string sql, params object?[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    }

    /// <summary>Runs a query and returns the first column of the first row.</summary>
    public object? Scalar(string sql, params object?[] parameters)
    {
        using var command = Command(sql, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    /// <summary>Runs a query and materialises its rows.</summary>
    public List<object?[]> Query(string sql, params object?[] parameters)
    {
        using var command = Command(sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>
    /// Streams a query's result as Arrow record batches (one per DuckDB vector, 2,048 rows). A batch's memory is
    /// DuckDB's: it is valid until the batch is disposed, which the caller does once it has read or copied it.
    /// </summary>
    public async IAsyncEnumerable<RecordBatch> ArrowBatchesAsync(string sql, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.UseStreamingMode = true;
        await foreach (var batch in command.ExecuteArrowBatchesAsync(cancellationToken)) yield return batch;
    }

    /// <summary>Writes a query's result to one Parquet file (zstd-compressed).</summary>
    public long CopyToParquet(string query, string path, params object?[] parameters) =>
        Execute($"copy ({query}) to {Literal(path)} (format parquet, compression zstd)", parameters);

    /// <summary>A double-quoted identifier.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    /// <summary>A single-quoted string literal, for paths we produced ourselves (never for user input).</summary>
    public static string Literal(string text) => "'" + text.Replace("'", "''") + "'";

    private DbCommand Command(string sql, object?[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var parameter in parameters) command.Parameters.Add(new DuckDBParameter(parameter ?? DBNull.Value));
        return command;
    }

    public void Dispose() => connection.Dispose();
}
