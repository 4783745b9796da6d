using System.Globalization;
using System.Text;
using BatchJobs.Core.Contracts;

namespace BatchJobs.Core.Plans;

/// <summary>
/// What a job runs, as data an engine executes: named relations that flow from inputs (published dataset runs and
/// small inline tables) through SQL and kernel stages, in order, to the datasets the job publishes. Every relation is
/// visible to the stages after it under its name, so SQL reads datasets and earlier stages alike.
/// </summary>
/// <remarks>
/// Jobs build a plan and never open a file; the local engine runs it in DuckDB and on this machine's cores, the Spark
/// engine on a cluster. Stage boundaries are Parquet.
/// </remarks>
public sealed class StagePlan(string job, DateOnly date)
{
    private readonly List<DatasetRuns> datasets = [];
    private readonly List<InlineTable> tables = [];
    private readonly List<IPlanStage> stages = [];
    private readonly List<PlanOutput> outputs = [];
    private readonly HashSet<string> names = new(StringComparer.Ordinal);

    public string Job { get; } = job;
    public DateOnly Date { get; } = date;
    public IReadOnlyList<DatasetRuns> Datasets => datasets;
    public IReadOnlyList<InlineTable> Tables => tables;
    public IReadOnlyList<IPlanStage> Stages => stages;
    public IReadOnlyList<PlanOutput> Outputs => outputs;

    /// <summary>Binds published runs of a dataset under the dataset's name.</summary>
    public StagePlan Read(DatasetRuns input) => Add(input.Name, () => datasets.Add(input));

    /// <summary>Binds a small table given by value (parameters, a window of weights).</summary>
    public StagePlan Read(InlineTable table) => Add(table.Name, () => tables.Add(table));

    /// <summary>Adds a SQL stage; its result is a relation named after it.</summary>
    public StagePlan Sql(string name, string sql) => Add(name, () => stages.Add(new SqlStage(name, sql)));

    /// <summary>Adds a kernel stage; its source and side inputs must be relations defined before it.</summary>
    public StagePlan Kernel(KernelStage stage)
    {
        Require(stage.Source, stage.Name);
        foreach (var side in stage.SideInputs) Require(side, stage.Name);
        return Add(stage.Name, () => stages.Add(stage));
    }

    /// <summary>
    /// Publishes the relation a stage produced as the given dataset, with named statistics (for the contract's
    /// <c>balance</c> and <c>max_ratio</c> checks) each computed by a SQL query that returns one number and may read
    /// the output under the dataset's name.
    /// </summary>
    public StagePlan Publish(string dataset, string stage, IReadOnlyDictionary<string, string>? statistics = null)
    {
        if (!stages.Any(s => s.Name == stage))
            throw new ArgumentException($"plan of '{Job}' publishes '{dataset}' from '{stage}', which is not a stage of the plan", nameof(stage));
        if (outputs.Any(o => o.Dataset == dataset)) throw new ArgumentException($"plan of '{Job}' publishes '{dataset}' twice", nameof(dataset));
        outputs.Add(new PlanOutput(dataset, stage, statistics ?? new Dictionary<string, string>()));
        return this;
    }

    /// <summary>The plan as text: inputs with the runs they resolve to, stages, side inputs, outputs and their schemas.</summary>
    public string Describe(IReadOnlyDictionary<string, IReadOnlyList<ColumnSpec>> outputSchemas)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"plan of {Job} for {Date:yyyy-MM-dd}\n\ninputs\n");
        foreach (var input in datasets)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {input.Name} ({input.Runs.Count} run{(input.Runs.Count == 1 ? "" : "s")}): {Columns(input.Schema)}\n");
            foreach (var run in input.Runs) text.Append(CultureInfo.InvariantCulture, $"    dt={run.Partition:yyyy-MM-dd} run={run.RunId} ({run.Manifest.RowCount} rows)\n");
        }
        foreach (var table in tables) text.Append(CultureInfo.InvariantCulture, $"  {table.Name} (inline, {table.Rows.Count} rows): {Columns(table.Columns)}\n");
        text.Append("\nstages\n");
        for (var i = 0; i < stages.Count; i++)
        {
            var stage = stages[i];
            text.Append(CultureInfo.InvariantCulture, $"  {i + 1}. {stage.Name}: ");
            text.Append(stage switch
            {
                SqlStage sql => $"sql, {sql.Sql.Split('\n').Length} lines\n",
                KernelStage kernel => string.Create(CultureInfo.InvariantCulture,
                    $"kernel {kernel.Kernel.GetType().Name} over {kernel.Source} grouped by {kernel.GroupBy} ({kernel.KeysPerGroup} keys a group)" +
                    $"{(kernel.SideInputs.Count > 0 ? ", side inputs " + string.Join(", ", kernel.SideInputs) : "")}\n     -> {Columns(kernel.Kernel.OutputSchema)}\n"),
                _ => "\n",
            });
        }
        text.Append("\noutputs\n");
        foreach (var output in outputs)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {output.Dataset} <- {output.Stage}: {Columns(outputSchemas[output.Dataset])}\n");
            foreach (var (name, _) in output.Statistics) text.Append(CultureInfo.InvariantCulture, $"    statistic {name}\n");
        }
        return text.ToString();
    }

    private static string Columns(IEnumerable<ColumnSpec> columns) => string.Join(", ", columns.Select(c => $"{c.Name} {c.Type.ToName()}"));

    private void Require(string relation, string stage)
    {
        if (!names.Contains(relation))
            throw new ArgumentException($"stage '{stage}' of '{Job}' reads '{relation}', which no earlier input or stage of the plan defines");
    }

    private StagePlan Add(string name, Action add)
    {
        if (!names.Add(name)) throw new ArgumentException($"plan of '{Job}' defines '{name}' twice; every input and stage needs its own name", nameof(name));
        add();
        return this;
    }
}
