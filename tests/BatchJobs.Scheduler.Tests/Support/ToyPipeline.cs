using BatchJobs.Core.Contracts;
using BatchJobs.Core.Jobs;
using BatchJobs.Scheduler.Backfills;
using BatchJobs.Scheduler.Dag;
using BatchJobs.Scheduler.Execution;
using BatchJobs.Scheduler.History;
using BatchJobs.Scheduler.Slo;

namespace BatchJobs.Scheduler.Tests.Support;

/// <summary>
/// A three-job pipeline of <see cref="ToyJob"/>s on real contracts, a real snapshot store and a real
/// <c>scheduler.db</c>, with a manual clock: <c>load</c> (raw folder per day → raw_events, daily, due 01:00, deadline
/// PT3H) → <c>aggregate</c> (3-day window → daily_totals, daily, due 02:00, deadline PT4H) → <c>report</c> (7-day window
/// → weekly_report, weekly, due Monday 06:00, deadline PT12H).
/// </summary>
public sealed class ToyPipeline : IDisposable
{
    private readonly TempFolder folder = new();

    public ToyPipeline(DateTimeOffset now)
    {
        var contracts = Path.Combine(Root, "contracts");
        Directory.CreateDirectory(contracts);
        File.WriteAllText(Path.Combine(contracts, "raw_events.yaml"), Contract("raw_events", "daily", "load", "- raw: raw/events/dt={date}", "0 1 * * *", "PT3H"));
        File.WriteAllText(Path.Combine(contracts, "daily_totals.yaml"), Contract("daily_totals", "daily", "aggregate", "- { dataset: raw_events, window_days: 3 }", "0 2 * * *", "PT4H"));
        File.WriteAllText(Path.Combine(contracts, "weekly_report.yaml"), Contract("weekly_report", "weekly", "report", "- { dataset: daily_totals, window_days: 7 }", "0 6 * * 1", "PT12H"));
        Catalog = ContractLoader.LoadDirectory(contracts);
        Jobs = [Load, Aggregate, Report];
        Dag = ScheduledDag.Build(Catalog, Jobs.Select(j => j.Name));
        Clock = new ManualClock(now);
        Store = RunStore.Open(Root);
        Runner = new JobRunner(Root, Catalog, Jobs, clock: Clock);
    }

    public string Root => folder.Path;
    public ContractCatalog Catalog { get; }
    public ToyJob Load { get; } = new("load");
    public ToyJob Aggregate { get; } = new("aggregate");
    public ToyJob Report { get; } = new("report");
    public IReadOnlyList<ToyJob> Jobs { get; }
    public ScheduledDag Dag { get; }
    public ManualClock Clock { get; }
    public RunStore Store { get; }
    public JobRunner Runner { get; }

    /// <summary>Retries after 5, then 10 minutes; 3 attempts.</summary>
    public static SchedulerOptions Options { get; } = new() { DefaultRetry = new RetryPolicy(3, TimeSpan.FromMinutes(5), 2, TimeSpan.FromHours(1)) };

    /// <summary>Retries at once: backfills wait for backoff in real time.</summary>
    public static SchedulerOptions QuickRetries { get; } = new() { DefaultRetry = new RetryPolicy(3, TimeSpan.FromMilliseconds(1), 2, TimeSpan.FromMilliseconds(4)) };

    /// <summary>Makes the raw input of a day arrive.</summary>
    public void ArriveRaw(DateOnly date)
    {
        var directory = Path.Combine(Root, "raw", "events", $"dt={date:yyyy-MM-dd}");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "part-00000.csv"), "id\n1\n");
    }

    public void ArriveRaw(DateOnly from, DateOnly to)
    {
        for (var date = from; date <= to; date = date.AddDays(1)) ArriveRaw(date);
    }

    public Ticker Ticker(SchedulerOptions? options = null) => new(Dag, Store, Runner, options ?? Options, Clock);

    public Backfiller Backfiller(SchedulerOptions? options = null) => new(Dag, Store, Runner, options ?? QuickRetries, Clock);

    public SloEvaluator Slo() => new(Dag, Runner.Reader, Store);

    /// <summary>Ticks at <paramref name="at"/>.</summary>
    public Task<TickReport> TickAsync(DateTimeOffset at, DateOnly? start = null, SchedulerOptions? options = null)
    {
        Clock.Set(at);
        return Ticker(options).TickAsync(start, progress: null, CancellationToken.None);
    }

    /// <summary>The runs recorded for one partition of a job, oldest first.</summary>
    public IReadOnlyList<RunRecord> RunsOf(string job, DateOnly partition) =>
        Store.Runs(job, limit: 10_000).Where(r => r.Partition == partition).OrderBy(r => r.Id).ToList();

    public void Dispose() => folder.Dispose();

    private static string Contract(string name, string partitioning, string job, string inputs, string schedule, string deadline) => $"""
        name: {name}
        version: 1
        description: a dataset of the scheduler tests' toy pipeline
        owner: scheduler-tests
        partitioning: {partitioning}
        schema:
          - {"{"} name: id, type: string, nullable: false {"}"}
          - {"{"} name: value, type: int64, nullable: false {"}"}
        primary_key: [id]
        producer:
          job: {job}
          inputs:
            {inputs}
        slo:
          schedule: "{schedule}"
          deadline: {deadline}
          freshness: P2D
          retention: P365D
        """;
}
