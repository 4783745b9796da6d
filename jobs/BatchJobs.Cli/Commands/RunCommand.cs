using System.CommandLine;
using BatchJobs.Core;
using BatchJobs.Core.Jobs;
using BatchJobs.Jobs;

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
        var parameters = new Option<string[]>("--param")
        {
            Description = "Override a job parameter declared in its contracts, as name=value (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("run", "Run one job for one logical date and publish its datasets.") { job, root, contracts, date, force, parameters };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var catalog = CommonOptions.LoadContracts(parsed.GetValue(contracts)!);
            var runner = new JobRunner(parsed.GetValue(root)!, catalog, JobCatalog.All);
            var day = CommonOptions.ParseDate(parsed.GetValue(date)!, "--date");
            var overrides = ParseParameters(parsed.GetValue(parameters) ?? []);
            var result = await runner.RunAsync(parsed.GetValue(job)!, day, parsed.GetValue(force), overrides, output, cancellationToken);
            await output.WriteLineAsync($"{result.Job} {day:yyyy-MM-dd}: {result.Status} (exit {result.ExitCode}): {result.Message}");
            return result.ExitCode;
        });
        return command;
    }

    private static Dictionary<string, string> ParseParameters(string[] pairs)
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
