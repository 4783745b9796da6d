using BatchJobs.Core.Contracts;

namespace BatchJobs.Core.Engine;

/// <summary>
/// A small table handed to a SQL stage by value (job parameters, a window of dates with weights), bound by every
/// engine as a view of the given name; values are bound as parameters, never spliced into SQL text.
/// </summary>
public sealed record InlineTable(string Name, IReadOnlyList<ColumnSpec> Columns, IReadOnlyList<object?[]> Rows);

/// <summary>
/// Set-based work: one SQL query (the dialect both DuckDB and Spark SQL accept) over datasets bound as views named
/// after them, whose result becomes one Parquet file.
/// </summary>
/// <param name="Name">The stage name, for messages (usually the .sql file name).</param>
/// <param name="Sql">One <c>select</c> (CTEs allowed), no trailing semicolon.</param>
/// <param name="Views">Dataset views: name to the Parquet files that make it up.</param>
/// <param name="Tables">Inline tables, e.g. <c>job_params</c>.</param>
public sealed record SqlStage(string Name, string Sql, IReadOnlyDictionary<string, IReadOnlyList<string>> Views, IReadOnlyList<InlineTable> Tables);

/// <summary>Runs stages; jobs never know which engine does.</summary>
public interface IStageEngine
{
    /// <summary>Runs a SQL stage and writes its result to <paramref name="outputFile"/>.</summary>
    Task RunSqlAsync(SqlStage stage, string outputFile, CancellationToken cancellationToken);
}
