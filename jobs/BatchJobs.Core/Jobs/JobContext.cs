using System.Globalization;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Engine;
using BatchJobs.Core.Plans;
using BatchJobs.Core.Snapshots;

namespace BatchJobs.Core.Jobs;

/// <summary>
/// Everything a job run sees: its logical date, parameters, resolved inputs, the engine and the publisher. Inputs are
/// only those the job's contracts declare, so a job cannot read an undeclared dataset.
/// </summary>
public sealed class JobContext
{
    private readonly IReadOnlyDictionary<string, IReadOnlyList<PublishedSnapshot>> datasets;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<ColumnSpec>> inputSchemas;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> rawFiles;
    private readonly SnapshotPublisher publisher;
    private readonly RunInfo run;

    internal JobContext(string root, DateOnly date, IReadOnlyList<DatasetContract> produces, IReadOnlyDictionary<string, string> parameters,
        IReadOnlyDictionary<string, IReadOnlyList<PublishedSnapshot>> datasets, IReadOnlyDictionary<string, IReadOnlyList<ColumnSpec>> inputSchemas,
        IReadOnlyDictionary<string, IReadOnlyList<string>> rawFiles,
        IStageEngine engine, SnapshotPublisher publisher, RunInfo run, TextWriter log)
    {
        Root = root;
        Date = date;
        Produces = produces;
        Parameters = parameters;
        this.datasets = datasets;
        this.inputSchemas = inputSchemas;
        this.rawFiles = rawFiles;
        Engine = engine;
        this.publisher = publisher;
        this.run = run;
        Log = log;
    }

    public string Root { get; }
    public DateOnly Date { get; }
    public IReadOnlyList<DatasetContract> Produces { get; }
    public IReadOnlyDictionary<string, string> Parameters { get; }
    public IStageEngine Engine { get; }
    public TextWriter Log { get; }
    public string RunId => run.RunId;

    /// <summary>The published partitions of a declared input in its window, oldest first.</summary>
    public IReadOnlyList<PublishedSnapshot> Input(string dataset) => datasets.TryGetValue(dataset, out var snapshots)
        ? snapshots
        : throw new InvalidOperationException($"job reads '{dataset}', which its contracts do not declare in producer.inputs; declare it there");

    /// <summary>A declared input as a plan binds it: its runs in the window, with the contract's columns.</summary>
    public DatasetRuns Dataset(string dataset) => new(dataset, Input(dataset), inputSchemas[dataset]);

    /// <summary>A new, empty plan for this job and date.</summary>
    public StagePlan NewPlan() => new(run.Job, Date);

    /// <summary>
    /// Stages a run of every dataset the plan publishes and has the engine run the plan into them; the caller
    /// publishes them (<see cref="PublishAsync"/>), after adding metrics if it has any.
    /// </summary>
    public async Task<IReadOnlyList<StagedSnapshot>> RunPlanAsync(StagePlan plan, CancellationToken cancellationToken)
    {
        var staged = plan.Outputs.Select(o => Stage(o.Dataset)).ToList();
        // Beside the staged runs, named like them, so retention removes it with them if a killed run leaves it behind.
        var scratch = Path.Combine(publisher.Layout.DatasetDirectory(plan.Outputs[0].Dataset), "_staging", $"stages-run={run.RunId}");
        try
        {
            await Engine.RunAsync(plan, staged.ToDictionary(s => s.Contract.Name, StringComparer.Ordinal), scratch, cancellationToken);
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
        return staged;
    }

    /// <summary>The data files of all partitions of a declared input.</summary>
    public IReadOnlyList<string> InputFiles(string dataset) => Input(dataset).SelectMany(s => s.FilePaths).ToList();

    /// <summary>The files of a declared raw input, in name order (none for an absent optional one).</summary>
    public IReadOnlyList<string> RawFiles(string path) => rawFiles.TryGetValue(path, out var files)
        ? files
        : throw new InvalidOperationException($"job reads raw '{path}', which its contracts do not declare in producer.inputs; declare it there");

    public string Parameter(string name) => Parameters.TryGetValue(name, out var value)
        ? value
        : throw new InvalidOperationException($"parameter '{name}' is not declared in the contracts of this job; add it under parameters:");

    public double DoubleParameter(string name) => ParseParameter(name, s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture));

    public int IntParameter(string name) => ParseParameter(name, s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture));

    /// <summary>Stages a new run of one of the datasets this job produces.</summary>
    public StagedSnapshot Stage(string dataset)
    {
        var contract = Produces.FirstOrDefault(c => c.Name == dataset)
            ?? throw new InvalidOperationException($"job stages '{dataset}', which no contract says it produces");
        return publisher.Stage(contract, contract.PartitionOf(Date), run.RunId);
    }

    /// <summary>Checks and publishes staged runs together: all of them or none.</summary>
    public Task<IReadOnlyList<SnapshotManifest>> PublishAsync(IReadOnlyList<StagedSnapshot> staged, CancellationToken cancellationToken) =>
        publisher.PublishAsync(staged, run, cancellationToken);

    private T ParseParameter<T>(string name, Func<string, T> parse)
    {
        var text = Parameter(name);
        try
        {
            return parse(text);
        }
        catch (FormatException)
        {
            throw new UsageException($"parameter '{name}' = '{text}' is not a {typeof(T).Name.ToLowerInvariant()}");
        }
    }
}
