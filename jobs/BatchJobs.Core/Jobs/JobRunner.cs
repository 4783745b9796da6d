using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BatchJobs.Core.Checks;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Engine;
using BatchJobs.Core.Snapshots;

namespace BatchJobs.Core.Jobs;

/// <summary>
/// Runs one job for one logical date: resolves the inputs its contracts declare, skips the run when every output
/// partition is already published from the same inputs (unless forced), runs the job, applies retention, and maps
/// the outcome to an exit code.
/// </summary>
public sealed class JobRunner
{
    private readonly ContractCatalog contracts;
    private readonly IReadOnlyDictionary<string, IJob> jobs;
    private readonly SnapshotLayout layout;
    private readonly SnapshotReader reader;
    private readonly IStageEngine engine;
    private readonly TimeProvider clock;

    public JobRunner(string root, ContractCatalog contracts, IEnumerable<IJob> jobs, IStageEngine? engine = null, TimeProvider? clock = null)
    {
        this.contracts = contracts;
        this.jobs = jobs.ToDictionary(j => j.Name, StringComparer.Ordinal);
        layout = new SnapshotLayout(root);
        reader = new SnapshotReader(layout);
        this.engine = engine ?? new LocalEngine();
        this.clock = clock ?? TimeProvider.System;
        foreach (var job in contracts.Jobs)
            if (!this.jobs.ContainsKey(job))
                throw new ContractException(contracts.All.First(c => c.Producer.Job == job).SourceFile, "producer.job", $"no job named '{job}' is implemented; implemented: {string.Join(", ", this.jobs.Keys.Order())}");
    }

    /// <summary>Called after each publish step; tests use it to inject crashes.</summary>
    public Func<PublishStep, string, Task>? AfterPublishStep { get; init; }

    public SnapshotReader Reader => reader;

    /// <summary>The code version recorded in manifests: the informational version (with the source revision).</summary>
    public static string CodeVersion { get; } =
        typeof(JobRunner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Runs a job; never throws for job failures, which become the result's status and message.</summary>
    /// <exception cref="UsageException">The job is not declared, or a parameter override names no declared parameter.</exception>
    public async Task<JobRunResult> RunAsync(string jobName, DateOnly date, bool force, IReadOnlyDictionary<string, string>? overrides,
        TextWriter log, CancellationToken cancellationToken = default)
    {
        var produces = contracts.ProducedBy(jobName);
        var job = jobs[jobName];
        var parameters = MergeParameters(jobName, produces, overrides ?? new Dictionary<string, string>());
        var runId = SnapshotLayout.NewRunId(clock.GetUtcNow());
        JobRunResult Result(JobRunStatus status, string message, IReadOnlyList<SnapshotManifest>? manifests = null) =>
            new(jobName, date, runId, status, message, manifests ?? []);
        try
        {
            var producer = produces[0].Producer;
            var datasets = ResolveDatasets(producer, date);
            var raw = ResolveRaw(producer, date);
            var lineage = datasets.Values.SelectMany(s => s).Select(s => s.AsInput()).Concat(raw.Select(r => r.Input)).ToList();
            var fingerprint = Fingerprint(jobName, date, parameters, produces, lineage);
            var publisher = new SnapshotPublisher(layout, new QualityCheckRunner(reader, contracts), clock) { AfterStep = AfterPublishStep };
            if (!force)
            {
                var existing = produces.Select(c => reader.TryResolve(c.Name, c.PartitionOf(date))).ToList();
                if (existing.All(s => s is not null && s.Manifest.InputFingerprint == fingerprint))
                {
                    // A crash between a run's rename and its _LATEST update leaves a complete run nobody points at.
                    foreach (var snapshot in existing) await publisher.EnsureLatestAsync(snapshot!, cancellationToken);
                    return Result(JobRunStatus.UpToDate, $"already published from the same inputs ({string.Join(", ", existing.Select(s => $"{s!.Dataset} run {s.RunId}"))}); use --force to recompute",
                        existing.Select(s => s!.Manifest).ToList());
                }
            }
            var run = new RunInfo(jobName, runId, CodeVersion, fingerprint, parameters, lineage);
            var context = new JobContext(layout.Root, date, produces, parameters, datasets, InputSchemas(producer), raw.ToDictionary(r => r.Path, r => r.Files), engine, publisher, run, log);
            await job.RunAsync(context, cancellationToken);
            var published = produces.Select(c => reader.TryResolve(c.Name, c.PartitionOf(date))).Where(s => s?.RunId == runId).Select(s => s!.Manifest).ToList();
            if (published.Count != produces.Count)
                throw new InvalidOperationException($"job '{jobName}' finished without publishing {string.Join(", ", produces.Select(c => c.Name).Except(published.Select(m => m.Dataset)))}");
            foreach (var contract in produces) SnapshotRetention.Apply(layout, reader, contract, clock.GetUtcNow());
            return Result(JobRunStatus.Published, $"published {string.Join(", ", published.Select(m => $"{m.Dataset} dt={m.Partition} ({m.RowCount} rows)"))}", published);
        }
        catch (InputsNotReadyException e)
        {
            return Result(JobRunStatus.InputsNotReady, e.Message);
        }
        catch (Exception e) when (e is BadInputException or BlockingCheckFailedException or UsageException)
        {
            return Result(JobRunStatus.PermanentFailure, e.Message);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            return Result(JobRunStatus.TransientFailure, $"{e.GetType().Name}: {e.Message}{Environment.NewLine}{e.StackTrace}");
        }
    }

    /// <summary>
    /// The plan a planned job would run for a date, with the input runs it resolves to now; nothing is staged or run.
    /// </summary>
    /// <exception cref="UsageException">The job is unknown or does not run as a plan.</exception>
    /// <exception cref="InputsNotReadyException">An input the plan needs is not published yet.</exception>
    public Plans.StagePlan Plan(string jobName, DateOnly date, IReadOnlyDictionary<string, string>? overrides = null)
    {
        if (!jobs.TryGetValue(jobName, out var job)) throw new UsageException($"no job named '{jobName}'; jobs: {string.Join(", ", jobs.Keys.Order())}");
        if (job is not PlannedJob planned) throw new UsageException($"job '{jobName}' does not run as a stage plan yet: it reads and writes its files itself");
        var produces = contracts.ProducedBy(jobName);
        var parameters = MergeParameters(jobName, produces, overrides ?? new Dictionary<string, string>());
        var producer = produces[0].Producer;
        var datasets = ResolveDatasets(producer, date);
        var raw = ResolveRaw(producer, date);
        var run = new RunInfo(jobName, "plan", CodeVersion, "", parameters, []);
        var publisher = new SnapshotPublisher(layout, new QualityCheckRunner(reader, contracts), clock);
        var context = new JobContext(layout.Root, date, produces, parameters, datasets, InputSchemas(producer), raw.ToDictionary(r => r.Path, r => r.Files), engine, publisher, run, TextWriter.Null);
        return planned.Plan(context);
    }

    private Dictionary<string, IReadOnlyList<ColumnSpec>> InputSchemas(ProducerSpec producer) =>
        producer.Inputs.ToDictionary(i => i.Dataset, i => contracts.Get(i.Dataset).Schema, StringComparer.Ordinal);

    private static Dictionary<string, string> MergeParameters(string job, IReadOnlyList<DatasetContract> produces, IReadOnlyDictionary<string, string> overrides)
    {
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var contract in produces)
            foreach (var (key, value) in contract.Parameters)
                if (!merged.TryAdd(key, value) && merged[key] != value)
                    throw new ContractException(contract.SourceFile, $"parameters.{key}", $"'{value}' differs from another contract of job '{job}' ('{merged[key]}'); declare one value");
        foreach (var (key, value) in overrides)
        {
            if (!merged.ContainsKey(key))
                throw new UsageException($"job '{job}' has no parameter '{key}'; its parameters: {(merged.Count == 0 ? "none" : string.Join(", ", merged.Keys.Order()))}");
            merged[key] = value;
        }
        return merged;
    }

    /// <summary>
    /// The partitions of each input window. The date's own partition must be published; an earlier one may be missing
    /// only where it predates the dataset's first published partition (the start of history).
    /// </summary>
    private Dictionary<string, IReadOnlyList<PublishedSnapshot>> ResolveDatasets(ProducerSpec producer, DateOnly date)
    {
        var resolved = new Dictionary<string, IReadOnlyList<PublishedSnapshot>>(StringComparer.Ordinal);
        foreach (var input in producer.Inputs)
        {
            var contract = contracts.Get(input.Dataset);
            var last = contract.PartitionOf(input.LastDate(date));
            var first = contract.PartitionOf(input.LastDate(date).AddDays(1 - input.WindowDays));
            var published = reader.PublishedPartitions(input.Dataset);
            var snapshots = new List<PublishedSnapshot>();
            var step = contract.Partitioning == Partitioning.Weekly ? 7 : 1;
            for (var partition = first; partition <= last; partition = partition.AddDays(step))
            {
                var snapshot = reader.TryResolve(input.Dataset, partition);
                if (snapshot is not null)
                {
                    snapshots.Add(snapshot);
                    continue;
                }
                if (partition == last || (published.Count > 0 && partition > published[0]))
                    throw new InputsNotReadyException($"{input.Dataset} dt={SnapshotLayout.FormatDate(partition)} is not published yet; run job '{contract.Producer.Job}' for that date first");
            }
            resolved[input.Dataset] = snapshots;
        }
        return resolved;
    }

    private List<(string Path, IReadOnlyList<string> Files, InputSnapshot Input)> ResolveRaw(ProducerSpec producer, DateOnly date)
    {
        var resolved = new List<(string, IReadOnlyList<string>, InputSnapshot)>();
        foreach (var raw in producer.RawInputs)
        {
            var relative = raw.Path.Replace("{date}", SnapshotLayout.FormatDate(date), StringComparison.Ordinal);
            var full = Path.Combine(layout.Root, relative);
            var files = File.Exists(full) ? [full]
                : Directory.Exists(full) ? Directory.EnumerateFiles(full).Where(f => !Path.GetFileName(f).StartsWith('.') && !Path.GetFileName(f).StartsWith('_')).Order(StringComparer.Ordinal).ToList()
                : [];
            if (files.Count == 0 && !raw.Optional) throw new InputsNotReadyException($"raw input {full} does not exist or holds no file yet");
            var described = files.Select(f => new FileInfo(f)).Select(i => new RawFile(i.Name, i.Length, i.LastWriteTimeUtc)).ToList();
            resolved.Add((raw.Path, files, new InputSnapshot { RawPath = relative, RawFiles = described }));
        }
        return resolved;
    }

    private static string Fingerprint(string job, DateOnly date, IReadOnlyDictionary<string, string> parameters, IReadOnlyList<DatasetContract> produces, IReadOnlyList<InputSnapshot> inputs)
    {
        var identity = new
        {
            job,
            date = SnapshotLayout.FormatDate(date),
            parameters = parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ToList(),
            contracts = produces.Select(c => c.Sha256).ToList(),
            inputs,
        };
        var json = JsonSerializer.Serialize(identity, SnapshotManifest.JsonOptions);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }
}
