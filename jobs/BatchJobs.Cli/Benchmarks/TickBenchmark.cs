using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Tables;
using BatchJobs.Scheduler.Dag;
using BatchJobs.Scheduler.Execution;
using BatchJobs.Scheduler.History;
using BatchJobs.Scheduler.Slo;
using Microsoft.Data.Sqlite;

namespace BatchJobs.Cli.Benchmarks;

/// <summary>
/// The scheduler's own cost: a DAG of N trivial jobs (each publishes one row) with D days of succeeded runs in
/// <c>scheduler.db</c>, then (1) idle ticks, when nothing is due — what cron pays every 5 minutes; (2) ticks that find a
/// new day due and run all N jobs in dependency order; (3) the SLO report over the last week. Each tick loads the
/// contracts, builds the DAG and opens the store, as <c>batchjobs tick</c> does (process start-up excluded).
/// </summary>
public static class TickBenchmark
{
    public sealed record Options(int Jobs, int Days, int Ticks, string? WorkDirectory, bool Json);

    private static readonly DateOnly FirstDay = new(2025, 1, 1);

    /// <summary><c>batchjobs bench tick</c>.</summary>
    public static Command CreateCommand(TextWriter output)
    {
        var jobs = new Option<int>("--jobs") { Description = "Jobs in the DAG.", DefaultValueFactory = _ => 20 };
        var days = new Option<int>("--days") { Description = "Days of succeeded runs in the history.", DefaultValueFactory = _ => 365 };
        var ticks = new Option<int>("--ticks") { Description = "Idle ticks (and SLO reports) timed; the median is reported.", DefaultValueFactory = _ => 20 };
        var work = new Option<string>("--work") { Description = "Keep the data and scheduler.db in this folder instead of a temp folder." };
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object on the last line." };
        var command = new Command("tick", "Time the scheduler's own cost: idle ticks and due ticks over a DAG of trivial jobs with a long run history.") { jobs, days, ticks, work, json };
        command.SetAction(async (parsed, cancellationToken) => await RunAsync(
            new Options(parsed.GetValue(jobs), parsed.GetValue(days), parsed.GetValue(ticks), parsed.GetValue(work), parsed.GetValue(json)), output, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        var root = options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "batchjobs-bench-tick-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await output.WriteLineAsync($"machine: {MachineInfo.Describe()}");
            var contracts = WriteContracts(Path.Combine(root, "contracts"), options.Jobs);
            var jobs = Enumerable.Range(0, options.Jobs).Select(i => (IJob)new OneRowJob(JobName(i))).ToList();
            var lastDay = FirstDay.AddDays(options.Days - 1);

            var watch = Stopwatch.StartNew();
            var seeded = SeedHistory(root, contracts, jobs, lastDay);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"seeded {seeded:N0} succeeded runs ({options.Jobs} jobs x {options.Days} days) through the store API in {watch.Elapsed.TotalSeconds:F1} s"));

            // Idle: the evening after the last day; the next day's partitions are not due before the next night.
            var idle = new List<Timing>();
            for (var i = 0; i < options.Ticks; i++)
            {
                var timing = await TickAsync(root, contracts, jobs, new DateTimeOffset(lastDay.AddDays(1).ToDateTime(new TimeOnly(23, 0)), TimeSpan.Zero), cancellationToken);
                if (timing.Report.Outcomes.Count > 0) throw new InvalidOperationException($"an idle tick started {timing.Report.Outcomes.Count} runs");
                idle.Add(timing);
            }
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"idle tick (nothing due, {options.Days} days x {options.Jobs} jobs of history), median of {options.Ticks}: {Median(idle, t => t.TotalMs):F1} ms = start-up (contracts, DAG, store) {Median(idle, t => t.StartUpMs):F1} ms + tick {Median(idle, t => t.SchedulerMs):F1} ms; min {idle.Min(t => t.TotalMs):F1}, max {idle.Max(t => t.TotalMs):F1} ms"));

            var due = new List<Timing>();
            for (var day = 1; day <= 3; day++)
            {
                var timing = await TickAsync(root, contracts, jobs, new DateTimeOffset(lastDay.AddDays(day + 1).ToDateTime(new TimeOnly(6, 0)), TimeSpan.Zero), cancellationToken);
                if (timing.Report.Count(RunOutcomeKind.Succeeded) != options.Jobs)
                    throw new InvalidOperationException($"a due tick ran {timing.Report.Count(RunOutcomeKind.Succeeded)} of {options.Jobs} jobs: {string.Join("; ", timing.Report.Outcomes.Select(o => o.Describe()))}");
                due.Add(timing);
            }
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"due tick (a new day: {options.Jobs} one-row jobs run and published in dependency order), median of 3 days: {Median(due, t => t.TotalMs):F0} ms = start-up {Median(due, t => t.StartUpMs):F1} ms + inside JobRunner {Median(due, t => t.InJobsMs):F0} ms + scheduler {Median(due, t => t.SchedulerMs):F0} ms ({Median(due, t => t.SchedulerMs) / options.Jobs:F1} ms per run: lease, history, log)"));

            var store = RunStore.Open(root);
            var catalog = ContractLoader.LoadDirectory(contracts);
            var dag = ScheduledDag.Build(catalog, jobs.Select(j => j.Name));
            var slo = new List<double>();
            for (var i = 0; i < options.Ticks; i++)
            {
                watch.Restart();
                new SloEvaluator(dag, new Core.Snapshots.SnapshotReader(new Core.Snapshots.SnapshotLayout(root)), store)
                    .Report(new DateTimeOffset(lastDay.AddDays(5).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), TimeSpan.FromDays(7));
                slo.Add(watch.Elapsed.TotalMilliseconds);
            }
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"slo report (7 days x {options.Jobs} datasets): median {Median(slo):F1} ms"));
            if (options.Json)
                await output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    jobs = options.Jobs,
                    days = options.Days,
                    idle_tick_ms = idle.Select(t => t.TotalMs),
                    idle_tick_median_ms = Median(idle, t => t.TotalMs),
                    idle_tick_start_up_median_ms = Median(idle, t => t.StartUpMs),
                    due_tick_ms = due.Select(t => t.TotalMs),
                    due_tick_scheduler_median_ms_per_run = Median(due, t => t.SchedulerMs) / options.Jobs,
                    due_tick_in_jobs_median_ms_per_run = Median(due, t => t.InJobsMs) / options.Jobs,
                    slo_report_median_ms = Median(slo),
                    machine = MachineInfo.Describe(),
                }));
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (options.WorkDirectory is null && Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>One tick as <c>batchjobs tick</c> runs it, timed in phases: start-up (contracts, DAG, store) and the tick itself.</summary>
    private static async Task<Timing> TickAsync(string root, string contracts, IReadOnlyList<IJob> jobs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var clock = new ShiftedClock(now);
        var catalog = ContractLoader.LoadDirectory(contracts);
        var dag = ScheduledDag.Build(catalog, jobs.Select(j => j.Name));
        var store = RunStore.Open(root);
        var runner = new JobRunner(root, catalog, jobs, clock: clock);
        var startUp = watch.Elapsed.TotalMilliseconds;
        var report = await new Ticker(dag, store, runner, new SchedulerOptions(), clock).TickAsync(null, null, cancellationToken);
        var total = watch.Elapsed.TotalMilliseconds;
        // A run's record brackets the job (JobRunner: inputs, job, checks, publish, retention); the rest is the scheduler's.
        var inJobs = report.Outcomes.Where(o => o.Record is not null).Sum(o => (o.Record!.EndedAt!.Value - o.Record.StartedAt).TotalMilliseconds);
        return new Timing(total, startUp, inJobs, report);
    }

    private sealed record Timing(double TotalMs, double StartUpMs, double InJobsMs, TickReport Report)
    {
        public double SchedulerMs => TotalMs - StartUpMs - InJobsMs;
    }

    /// <summary>Records a succeeded run per job and day, the way a tick records one, without running the jobs.</summary>
    private static int SeedHistory(string root, string contracts, IReadOnlyList<IJob> jobs, DateOnly lastDay)
    {
        var dag = ScheduledDag.Build(ContractLoader.LoadDirectory(contracts), jobs.Select(j => j.Name));
        var store = RunStore.Open(root);
        store.EnsureStartDate(FirstDay, replace: true);
        var count = 0;
        for (var day = FirstDay; day <= lastDay; day = day.AddDays(1))
            foreach (var job in dag.Jobs)
            {
                var due = job.DueAt(day);
                var run = store.TryStart(new StartRequest(job.Name, day, day, RunTrigger.Scheduled, null, due, TimeSpan.FromMinutes(10), _ => null), _ => null).Run!;
                store.Finish(run.Id, new RunCompletion(RunStatus.Succeeded, due.AddSeconds(1), 0, null, null, "seeded", [], [], []));
                count++;
            }
        return count;
    }

    private static string JobName(int i) => $"bench-{i:00}";

    /// <summary>
    /// Job i reads the dataset of job i-1 and of job i/2 (a chain with fan-in); schedules spread over 01:00-02:57 so
    /// the jobs sit on several crons.
    /// </summary>
    private static string WriteContracts(string folder, int jobs)
    {
        Directory.CreateDirectory(folder);
        for (var i = 0; i < jobs; i++)
        {
            var inputs = (i == 0 ? [] : new[] { i - 1, i / 2 }.Distinct()).Select(j => $"    - dataset: bench_{j:00}").ToList();
            File.WriteAllText(Path.Combine(folder, $"bench_{i:00}.yaml"), $"""
                name: bench_{i:00}
                version: 1
                description: a trivial dataset of the tick benchmark
                owner: benchmarks
                partitioning: daily
                schema:
                  - {"{"} name: id, type: string, nullable: false {"}"}
                primary_key: [id]
                producer:
                  job: {JobName(i)}
                  inputs:
                {string.Join("\n", inputs)}
                slo:
                  schedule: "{i * 3 % 60} {1 + i * 3 / 60} * * *"
                  deadline: PT12H
                  freshness: P2D
                  retention: P400D
                """);
        }
        return folder;
    }

    private static double Median<T>(IEnumerable<T> items, Func<T, double> value) => Median(items.Select(value).ToList());

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Publishes one row: the scheduler's cost, not a job's, is what is measured.</summary>
    private sealed class OneRowJob(string name) : IJob
    {
        public string Name { get; } = name;

        public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
        {
            var stage = context.Stage(context.Produces[0].Name);
            await using (var writer = await ParquetTableWriter.CreateAsync(stage.FilePath("part-00000.parquet"), stage.Contract.Schema, cancellationToken))
                await writer.WriteRowGroupAsync(1, [new string?[] { $"{context.Date:yyyy-MM-dd}" }], cancellationToken);
            await context.PublishAsync([stage], cancellationToken);
        }
    }
}
