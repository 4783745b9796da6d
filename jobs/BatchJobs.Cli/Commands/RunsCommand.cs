using System.CommandLine;
using System.Globalization;
using BatchJobs.Core;
using BatchJobs.Scheduler.History;
using Spectre.Console;

namespace BatchJobs.Cli.Commands;

/// <summary><c>batchjobs runs</c>: the run history of <c>scheduler.db</c>, newest first.</summary>
public static class RunsCommand
{
    public static Command Create(TextWriter output)
    {
        var root = CommonOptions.Root();
        var job = new Option<string>("--job") { Description = "Only runs of this job." };
        var status = new Option<string>("--status") { Description = "Only runs in this state." };
        status.AcceptOnlyFromAmong(Enum.GetValues<RunStatus>().Select(RunStore.Name).ToArray());
        var limit = new Option<int>("--limit") { Description = "At most this many runs.", DefaultValueFactory = _ => 20 };
        var command = new Command("runs", "List recorded runs, newest first: job, partition, attempt, trigger, status, exit code, timing, host and process, inputs consumed, error.")
        {
            root, job, status, limit,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var rootPath = parsed.GetValue(root)!;
            if (parsed.GetValue(limit) < 1) throw new UsageException($"--limit {parsed.GetValue(limit)} must be at least 1");
            if (!RunStore.Exists(rootPath))
            {
                await output.WriteLineAsync($"no run history under {Path.GetFullPath(rootPath)}: run 'batchjobs tick' or 'batchjobs backfill' first");
                return ExitCodes.Done;
            }
            var wanted = parsed.GetValue(status) is { } text ? Enum.Parse<RunStatus>(text, ignoreCase: true) : (RunStatus?)null;
            var runs = RunStore.Open(rootPath).Runs(parsed.GetValue(job), wanted, limit: parsed.GetValue(limit));
            var table = new Table().Border(TableBorder.Simple);
            foreach (var column in new[] { "run", "job", "partition", "attempt", "trigger", "status", "exit", "started", "took", "host:pid", "inputs", "error / next attempt" })
                table.AddColumn(column);
            foreach (var run in runs)
                table.AddRow(run.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(run.Job), $"{run.Partition:yyyy-MM-dd}", run.Attempt.ToString(CultureInfo.InvariantCulture),
                    RunStore.Name(run.Trigger) + (run.BackfillId is { } b ? $" #{b}" : ""), RunStore.Name(run.Status), run.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    $"{run.StartedAt:yyyy-MM-dd HH:mm:ss}", run.EndedAt is { } end ? (end - run.StartedAt).TotalSeconds.ToString("0.0 s", CultureInfo.InvariantCulture) : "-",
                    Markup.Escape($"{run.Host}:{run.ProcessId}"), run.Inputs.Count.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(run.ErrorSummary + (run.NextAttemptAt is { } next ? $" (retry at {next:yyyy-MM-dd HH:mm})" : "")));
            ConsoleFor.Writer(output).Write(table);
            await output.WriteLineAsync($"{runs.Count} run(s) shown");
            return ExitCodes.Done;
        });
        return command;
    }
}
