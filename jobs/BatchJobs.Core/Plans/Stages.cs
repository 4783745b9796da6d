using BatchJobs.Core.Contracts;
using BatchJobs.Core.Snapshots;

namespace BatchJobs.Core.Plans;

/// <summary>A stage of a plan: its result is a relation named <see cref="Name"/>.</summary>
public interface IPlanStage
{
    string Name { get; }
}

/// <summary>
/// Published runs of one dataset, bound under the dataset's name with exactly the contract's columns, plus the
/// partition column <c>dt</c> (a date) given from each run's partition, never inferred from folder names.
/// </summary>
public sealed record DatasetRuns(string Name, IReadOnlyList<PublishedSnapshot> Runs, IReadOnlyList<ColumnSpec> Schema)
{
    /// <summary>The column that holds each row's partition.</summary>
    public const string PartitionColumn = "dt";
}

/// <summary>
/// A small table handed to a plan by value (job parameters, a window of dates with weights), bound by every engine as
/// a relation of the given name; values are bound as parameters, never spliced into SQL text.
/// </summary>
public sealed record InlineTable(string Name, IReadOnlyList<ColumnSpec> Columns, IReadOnlyList<object?[]> Rows);

/// <summary>
/// Set-based work: one query in the SQL that DuckDB and Spark SQL both accept, over the relations defined before it.
/// </summary>
/// <param name="Name">The relation it defines (usually the .sql file's name).</param>
/// <param name="Sql">One <c>select</c> (CTEs allowed), no trailing semicolon.</param>
public sealed record SqlStage(string Name, string Sql) : IPlanStage;

/// <summary>
/// Numeric work: <see cref="Kernel"/> applied to groups of <see cref="Source"/>'s rows, a group being every row of
/// about <see cref="KeysPerGroup"/> values of <see cref="GroupBy"/> (a bucket of users, say), sorted by the key and
/// then <see cref="OrderBy"/> — the shape of a Spark grouped-map UDF.
/// </summary>
/// <param name="Name">The relation it defines.</param>
/// <param name="Source">The relation whose rows are grouped.</param>
/// <param name="GroupBy">The key column; all rows of one key are in one group.</param>
/// <param name="OrderBy">Columns that order the rows of one key (ascending), so kernels see them deterministically.</param>
/// <param name="Kernel">The pure function over a group.</param>
/// <param name="SideInputs">Relations each worker loads once and the kernel reads whole (item factors, clusters).</param>
/// <param name="KeysPerGroup">How many keys a group holds, which bounds the memory of the groups in flight.</param>
public sealed record KernelStage(string Name, string Source, string GroupBy, IReadOnlyList<string> OrderBy, IGroupKernel Kernel,
    IReadOnlyList<string> SideInputs, int KeysPerGroup = 1024) : IPlanStage;

/// <summary>A dataset the plan publishes: the relation of <see cref="Stage"/>, with the statistics its checks read.</summary>
public sealed record PlanOutput(string Dataset, string Stage, IReadOnlyDictionary<string, string> Statistics);
