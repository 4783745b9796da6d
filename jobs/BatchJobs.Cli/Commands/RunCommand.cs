using System.CommandLine;
using BatchJobs.Core;
using BatchJobs.Core.Jobs;
using BatchJobs.Jobs;
using BatchJobs.Scheduler.Execution;
using BatchJobs.Scheduler.History;

namespace BatchJobs.Cli.Commands;

/// <summary><c>batchjobs run JOB --date D</c>: one job for one logical date.</summary>
public static class RunCommand
{
    public static Command Create(TextWriter output)
    {
        var job = new Argument<string>("job") { Description = "A declared job, e.g. ingest-listening-events (see the contracts' producer.job)." };
        var root = CommonOptions.Root();
        var contracts = CommonOptions.Contracts();
        var date = CommonOptions.Date("The logical date to run for", required: true);
        var force = new Option<bool>("--force") { Description = "Recompute even when the partition is already published from the same inputs." };
        var parameters = ParameterOption();
        var command = new Command("run", "Run one job for one logical date and publish its datasets.") { job, root, contracts, date, force, parameters };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var catalog = CommonOptions.LoadContracts(parsed.GetValue(contracts)!);
            var jobName = parsed.GetValue(job)!;
            var partition = catalog.ProducedBy(jobName)[0];
            var day = CommonOptions.ParseDate(parsed.GetValue(date)!, "--date");
            var overrides = ParseParameters(parsed.GetValue(parameters) ?? []);
            var rootDirectory = parsed.GetValue(root)!;
            var runner = new JobRunner(rootDirectory, catalog, JobCatalog.All);
            if (overrides.Count > 0)
            {
                // Parameter overrides are an operator's experiment: run it directly, outside the scheduler's history.
                var result = await runner.RunAsync(jobName, day, parsed.GetValue(force), overrides, output, cancellationToken);
                await output.WriteLineAsync($"{result.Job} {day:yyyy-MM-dd}: {result.Status} (exit {result.ExitCode}): {result.Message}");
                return result.ExitCode;
            }
            // A manual run is recorded in the run history as trigger 'manual' and takes the partition's lease, so it
            // never runs at the same time as a tick or a backfill of the same partition.
            Directory.CreateDirectory(rootDirectory);
            var partitionRunner = new PartitionRunner(RunStore.Open(rootDirectory), runner, new SchedulerOptions(), TimeProvider.System);
            var outcome = await partitionRunner.RunAsync(new PartitionRun(jobName, partition.PartitionOf(day), day), RunTrigger.Manual, null,
                parsed.GetValue(force), _ => null, cancellationToken);
            await output.WriteLineAsync(outcome.Describe() + (outcome.Record?.LogFile is { } log ? $" (log: {Path.Combine(rootDirectory, log)})" : ""));
            return outcome.Record?.ExitCode ?? (outcome.Kind == RunOutcomeKind.Leased ? ExitCodes.InputsNotReady : ExitCodes.TransientFailure);
        });
        return command;
    }

    /// <summary>The <c>--param name=value</c> overrides, shared by <c>run</c> and <c>plan</c>.</summary>
    public static Option<string[]> ParameterOption() => new("--param")
    {
        Description = "Override a job parameter declared in its contracts, as name=value (repeatable).",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Dictionary<string, string> ParseParameters(string[] pairs)
    {
        var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0) throw new UsageException($"--param '{pair}' is not name=value");
            parsed[pair[..equals]] = pair[(equals + 1)..];
        }
        return parsed;
    }
}
