using BatchJobs.Core;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Jobs;
using Cronos;

namespace BatchJobs.Scheduler.Dag;

/// <summary>
/// The job DAG derived from the contracts (who produces a dataset, which datasets a job reads), validated at start-up
/// so that nothing the contracts can reveal fails later at run time.
/// </summary>
/// <remarks>
/// Start-up errors, each a <see cref="ContractException"/> naming the file and field: a dataset no implemented job
/// produces; a job reading a dataset no contract declares; jobs forming a cycle; contracts of one job disagreeing on
/// inputs, schedule or partitioning; a schedule that is not valid cron or never fires; a deadline that ends before the
/// schedule makes the partition due. A job reading a dataset its contracts do not list is refused at run time by
/// <see cref="JobContext"/>. Immutable and safe to use from several threads.
/// </remarks>
public sealed class ScheduledDag
{
    /// <summary>Sample partitions the schedule checks look at: a fortnight covers every weekday twice.</summary>
    private static readonly DateOnly SampleStart = new(2026, 1, 5);

    private readonly Dictionary<string, ScheduledJob> byName;

    private ScheduledDag(ContractCatalog contracts, IReadOnlyList<ScheduledJob> jobs)
    {
        Contracts = contracts;
        Jobs = jobs;
        byName = jobs.ToDictionary(j => j.Name, StringComparer.Ordinal);
    }

    public ContractCatalog Contracts { get; }

    /// <summary>Every job, each after the jobs it reads from (ties in name order).</summary>
    public IReadOnlyList<ScheduledJob> Jobs { get; }

    /// <summary>Validates the contracts against the implemented jobs and builds the DAG.</summary>
    /// <exception cref="ContractException">See the remarks of <see cref="ScheduledDag"/>.</exception>
    public static ScheduledDag Build(ContractCatalog contracts, IEnumerable<string> implementedJobs)
    {
        var implemented = implementedJobs.ToHashSet(StringComparer.Ordinal);
        foreach (var contract in contracts.All)
        {
            if (!implemented.Contains(contract.Producer.Job))
                throw new ContractException(contract.SourceFile, "producer.job",
                    $"dataset '{contract.Name}' names job '{contract.Producer.Job}', which is not implemented, so nobody produces it; implemented jobs: {string.Join(", ", implemented.Order(StringComparer.Ordinal))}");
            for (var i = 0; i < contract.Producer.Inputs.Count; i++)
                if (!contracts.TryGet(contract.Producer.Inputs[i].Dataset, out _))
                    throw new ContractException(contract.SourceFile, $"producer.inputs[{i}].dataset",
                        $"job '{contract.Producer.Job}' reads '{contract.Producer.Inputs[i].Dataset}', which no contract declares, so nobody produces it; add its contract or remove the input");
        }
        var graph = new JobGraph(contracts);
        var jobs = new List<ScheduledJob>();
        foreach (var name in graph.Order)
        {
            var produces = contracts.ProducedBy(name);
            CheckAgreement(name, produces);
            var cron = ParseCron(produces[0]);
            var job = new ScheduledJob(name, produces, cron, jobs.Count, graph.UpstreamOf(name));
            foreach (var contract in produces) CheckDeadline(job, contract);
            jobs.Add(job);
        }
        return new ScheduledDag(contracts, jobs);
    }

    /// <summary>A job by name.</summary>
    /// <exception cref="UsageException">No contract names that job.</exception>
    public ScheduledJob Job(string name) => byName.TryGetValue(name, out var job)
        ? job
        : throw new UsageException($"'{name}' is not a declared job; declared jobs: {string.Join(", ", byName.Keys.Order(StringComparer.Ordinal))}");

    /// <summary>The job that produces a dataset.</summary>
    public ScheduledJob ProducerOf(string dataset) => byName[Contracts.Get(dataset).Producer.Job];

    /// <summary>A command-line target: a dataset (meaning its producing job) or a job.</summary>
    /// <exception cref="UsageException">Neither a declared dataset nor a declared job.</exception>
    public ScheduledJob Resolve(string datasetOrJob)
    {
        if (Contracts.TryGet(datasetOrJob, out var contract)) return byName[contract.Producer.Job];
        if (byName.TryGetValue(datasetOrJob, out var job)) return job;
        throw new UsageException($"'{datasetOrJob}' is neither a declared dataset nor a declared job; datasets: {string.Join(", ", Contracts.All.Select(c => c.Name).Order(StringComparer.Ordinal))}; jobs: {string.Join(", ", byName.Keys.Order(StringComparer.Ordinal))}");
    }

    /// <summary>
    /// The upstream partitions a job's partition reads: for each input, every partition of its window, as
    /// (producing job, partition). A job reading its own dataset is left out: it is not an upstream dependency.
    /// </summary>
    public IEnumerable<(ScheduledJob Job, DateOnly Partition)> InputPartitions(ScheduledJob job, DateOnly partition)
    {
        var logical = job.LogicalDate(partition);
        foreach (var input in job.Inputs)
        {
            var producer = ProducerOf(input.Dataset);
            if (producer == job) continue;
            var last = input.LastDate(logical);
            foreach (var upstream in producer.PartitionsBetween(last.AddDays(1 - input.WindowDays), last))
                yield return (producer, upstream);
        }
    }

    private static void CheckAgreement(string job, IReadOnlyList<DatasetContract> produces)
    {
        var first = produces[0];
        foreach (var other in produces.Skip(1))
        {
            if (other.Slo.Schedule != first.Slo.Schedule)
                throw new ContractException(other.SourceFile, "slo.schedule",
                    $"'{other.Slo.Schedule}' differs from '{first.Slo.Schedule}' in {first.SourceFile}; job '{job}' runs once per partition, so every dataset it produces must declare the same schedule");
            if (other.Partitioning != first.Partitioning)
                throw new ContractException(other.SourceFile, "partitioning",
                    $"'{other.Partitioning}' differs from '{first.Partitioning}' in {first.SourceFile}; every dataset of job '{job}' must be partitioned alike");
            if (!other.Producer.Inputs.SequenceEqual(first.Producer.Inputs) || !other.Producer.RawInputs.SequenceEqual(first.Producer.RawInputs))
                throw new ContractException(other.SourceFile, "producer.inputs",
                    $"differs from the inputs in {first.SourceFile}; every contract of job '{job}' must declare the same inputs");
        }
    }

    private static CronExpression ParseCron(DatasetContract contract)
    {
        CronExpression cron;
        try
        {
            cron = CronExpression.Parse(contract.Slo.Schedule);
        }
        catch (CronFormatException e)
        {
            throw new ContractException(contract.SourceFile, "slo.schedule", $"'{contract.Slo.Schedule}' is not a valid cron expression ({e.Message}); use five fields, minute hour day month weekday, in UTC, e.g. \"0 3 * * *\"");
        }
        var start = SampleStart.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        if (cron.GetNextOccurrence(start, inclusive: true) is not { } next || next > start.AddYears(1))
            throw new ContractException(contract.SourceFile, "slo.schedule", $"'{contract.Slo.Schedule}' does not fire within a year; a schedule must make every partition due");
        return cron;
    }

    /// <summary>A deadline before the due time can never be met: every partition would miss its SLO.</summary>
    private static void CheckDeadline(ScheduledJob job, DatasetContract contract)
    {
        for (var day = 0; day < 14; day += job.PeriodDays)
        {
            var partition = job.PartitionOf(SampleStart.AddDays(day));
            var due = job.DueAt(partition);
            var expected = job.ExpectedBy(contract, partition);
            if (expected < due)
                throw new ContractException(contract.SourceFile, "slo.deadline",
                    $"partitions are expected by {expected:yyyy-MM-dd HH:mm} UTC ({System.Xml.XmlConvert.ToString(contract.Slo.Deadline)} after the period ends) but due only at {due:yyyy-MM-dd HH:mm} UTC by the schedule '{contract.Slo.Schedule}' (e.g. dt={partition:yyyy-MM-dd}); move the schedule earlier or the deadline later");
        }
    }
}
