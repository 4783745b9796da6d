using System.CommandLine;
using BatchJobs.Cli.Commands;
using BatchJobs.Core;
using BatchJobs.Core.Contracts;

namespace BatchJobs.Cli;

/// <summary>
/// <c>batchjobs</c>: generate a synthetic world, run jobs, show published snapshots, run the demo. Exit codes as in
/// DESIGN.md section 5: 0 done, 20 inputs not ready, 50 permanent failure (bad input, failed blocking check, bad
/// arguments), anything else transient.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args) => await RunAsync(args, Console.Out, Console.Error);

    /// <summary>Runs the tool in-process (tests call this with their own writers).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("BatchJobs: offline batch jobs that publish Golden Datasets as versioned Parquet snapshots.")
        {
            GenerateCommand.Create(output),
            RunCommand.Create(output),
            PlanCommand.Create(output),
            ShowCommand.Create(output),
            DemoCommand.Create(output),
            BenchCommand.Create(output),
            TickCommand.Create(output),
            SloCommand.Create(output),
            BackfillCommand.Create(output),
            RunsCommand.Create(output),
            ExportCommand.Create(output),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors) await error.WriteLineAsync($"error: {parseError.Message}");
            await error.WriteLineAsync("Run 'batchjobs --help' or 'batchjobs <command> --help' for what is accepted.");
            return ExitCodes.PermanentFailure;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is UsageException or ContractException)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.PermanentFailure;
        }
    }
}
