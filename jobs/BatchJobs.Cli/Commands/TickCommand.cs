using System.CommandLine;
using System.Globalization;
using BatchJobs.Core;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Jobs;
using BatchJobs.Jobs;
using BatchJobs.Scheduler.Dag;
using BatchJobs.Scheduler.Execution;
using BatchJobs.Scheduler.History;

namespace BatchJobs.Cli.Commands;

/// <summary>
/// <c>batchjobs tick</c>: the cron entry point. Starts every due partition whose inputs are published, in dependency
/// order, retries failures with backoff, records partitions that wait for inputs; and the options and set-up the
/// other scheduler commands share.
/// </summary>
public static class TickCommand
{
    public static Command Create(TextWriter output)
    {
        var root = CommonOptions.Root();
        var contracts = CommonOptions.Contracts();
        var now = NowOption();
        var start = new Option<string>("--start")
        {
            Description = "The first logical date the scheduler is responsible for (YYYY-MM-DD); recorded on the first tick, default the day before it. Earlier dates are for 'backfill'.",
        };
        var maxParallel = MaxParallelOption();
        var maxAttempts = MaxAttemptsOption();
        var command = new Command("tick", "Start every due partition whose inputs are published (run every few minutes from cron). Exit 0 unless a run failed: 1 (retried later or out of attempts), 50 (permanent).")
        {
            root, contracts, now, start, maxParallel, maxAttempts,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var (catalog, dag) = LoadDag(parsed.GetValue(contracts)!);
            var clock = Clock(parsed.GetValue(now));
            var store = RunStore.Open(parsed.GetValue(root)!);
            var runner = new JobRunner(parsed.GetValue(root)!, catalog, JobCatalog.All, clock: clock);
            var options = Options(dag, parsed.GetValue(maxParallel), parsed.GetValue(maxAttempts));
            var startDate = parsed.GetValue(start) is { } text ? CommonOptions.ParseDate(text, "--start") : (DateOnly?)null;
            var gate = new Lock();
            void Print(string line)
            {
                lock (gate) output.WriteLine(line);
            }

            Print($"tick at {clock.GetUtcNow():yyyy-MM-dd HH:mm:ss} UTC, {dag.Jobs.Count} jobs, history {store.DatabasePath}");
            var report = await new Ticker(dag, store, runner, options, clock).TickAsync(startDate, outcome => Print(outcome.Describe()), cancellationToken);
            foreach (var run in report.Abandoned) Print($"{run.Job} dt={run.Partition:yyyy-MM-dd} run #{run.Id}: abandoned: {run.Error}");
            foreach (var outcome in report.Outcomes.Where(o => o.Kind == RunOutcomeKind.Blocked)) Print(outcome.Describe());
            foreach (var (run, reason) in report.Deferred) Print($"{run}: {reason}");
            Print(string.Create(CultureInfo.InvariantCulture,
                $"responsible from {report.StartDate:yyyy-MM-dd}: {report.Outcomes.Count(o => o.Record is not null)} runs started ({report.Count(RunOutcomeKind.Succeeded)} succeeded, {report.Count(RunOutcomeKind.Waiting)} waiting for inputs, {report.Count(RunOutcomeKind.Failed)} failed), {report.Count(RunOutcomeKind.Leased)} leased by another process, {report.Count(RunOutcomeKind.Blocked)} blocked upstream, {report.Deferred.Count} deferred"));
            return report.ExitCode;
        });
        return command;
    }

    internal static Option<string> NowOption() => new("--now")
    {
        Description = "Act as if it were this UTC time (ISO-8601, e.g. 2026-11-23T05:00:00Z); the clock then runs on from it. Default: now.",
    };

    internal static Option<int> MaxParallelOption() => new("--max-parallel")
    {
        Description = "Partitions run at once (at most one per job).",
        DefaultValueFactory = _ => 1,
    };

    internal static Option<string[]> MaxAttemptsOption() => new("--max-attempts")
    {
        Description = $"Attempts per partition before a failure is final: N for every job, or JOB=N (repeatable). Default {RetryPolicy.Default.MaxAttempts}, retried after {RetryPolicy.Default.InitialDelay.TotalMinutes:0} min, doubling, at most {RetryPolicy.Default.MaxDelay.TotalMinutes:0} min apart.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Loads the contracts and validates the DAG against the implemented jobs.</summary>
    internal static (ContractCatalog Catalog, ScheduledDag Dag) LoadDag(string contractsDirectory)
    {
        var catalog = CommonOptions.LoadContracts(contractsDirectory);
        return (catalog, ScheduledDag.Build(catalog, JobCatalog.All.Select(j => j.Name)));
    }

    /// <summary>The clock for <c>--now</c>: starts at the given time and runs on; the system clock without it.</summary>
    /// <exception cref="UsageException">The text is not an ISO-8601 time.</exception>
    internal static TimeProvider Clock(string? now) => now is null ? TimeProvider.System : new ShiftedClock(ParseNow(now));

    internal static DateTimeOffset ParseNow(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new UsageException($"--now '{text}' is not a time; use ISO-8601 in UTC, e.g. 2026-11-23T05:00:00Z");

    /// <exception cref="UsageException">A bad --max-parallel or --max-attempts value, or an unknown job.</exception>
    internal static SchedulerOptions Options(ScheduledDag dag, int maxParallel, string[]? maxAttempts)
    {
        if (maxParallel < 1) throw new UsageException($"--max-parallel {maxParallel} must be at least 1");
        var options = new SchedulerOptions { MaxParallel = maxParallel };
        var perJob = new Dictionary<string, RetryPolicy>(StringComparer.Ordinal);
        foreach (var value in maxAttempts ?? [])
        {
            var equals = value.IndexOf('=');
            var countText = equals < 0 ? value : value[(equals + 1)..];
            if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
                throw new UsageException($"--max-attempts '{value}': give N or JOB=N with N at least 1");
            if (equals < 0) options = options with { DefaultRetry = options.DefaultRetry.WithMaxAttempts(count) };
            else perJob[dag.Job(value[..equals]).Name] = RetryPolicy.Default.WithMaxAttempts(count);
        }
        return options with { Retry = perJob };
    }
}
