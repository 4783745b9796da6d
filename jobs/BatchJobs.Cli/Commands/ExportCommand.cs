using System.CommandLine;
using BatchJobs.Core;
using BatchJobs.Jobs;
using BatchJobs.Scheduler.Export;
using BatchJobs.Scheduler.History;

namespace BatchJobs.Cli.Commands;

/// <summary>
/// <c>batchjobs export airflow|crontab</c>: the same DAG for Airflow 3 (a DAG per schedule) or for cron (the lines that
/// run <c>tick</c> and <c>slo</c>).
/// </summary>
public static class ExportCommand
{
    public static Command Create(TextWriter output) => new("export", "Export the DAG to Airflow or crontab.") { Airflow(output), Crontab(output) };

    private static Command Airflow(TextWriter output)
    {
        var root = CommonOptions.Root();
        var contracts = ContractsToPass();
        var outFile = new Option<string>("--out") { Description = "The Python DAG file to write.", Required = true };
        var engine = new Option<string>("--engine") { Description = "Run jobs with the command-line tool (local) or spark-submit.sh (spark).", DefaultValueFactory = _ => "local" };
        engine.AcceptOnlyFromAmong("local", "spark");
        var program = new Option<string>("--command") { Description = "The program tasks call; default batchjobs, or spark-submit.sh with --engine spark." };
        var startDate = new Option<string>("--start-date") { Description = "The DAGs' start_date (YYYY-MM-DD); default the scheduler's start date, or today." };
        var callback = new Option<string>("--alert-callback")
        {
            Description = "Dotted path of the async callable the triggerer calls on a missed deadline.",
            DefaultValueFactory = _ => AirflowExportOptions.DefaultAlertCallback,
        };
        var maxAttempts = TickCommand.MaxAttemptsOption();
        var command = new Command("airflow", "Write an Airflow 3 DAG file: a DAG per schedule, a task per job, dependencies, retries with backoff, deadline alerts from the SLOs.")
        {
            root, contracts, outFile, engine, program, startDate, callback, maxAttempts,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var rootPath = Path.GetFullPath(parsed.GetValue(root)!);
            var contractsPath = parsed.GetValue(contracts) is { } given ? Path.GetFullPath(given) : null;
            var (_, dag) = TickCommand.LoadDag(contractsPath ?? JobCatalog.DefaultContractsDirectory);
            var start = parsed.GetValue(startDate) is { } text ? CommonOptions.ParseDate(text, "--start-date")
                : (RunStore.Exists(rootPath) ? RunStore.Open(rootPath).StartDate() : null) ?? DateOnly.FromDateTime(DateTime.UtcNow);
            var python = AirflowExporter.Export(dag, new AirflowExportOptions
            {
                Root = rootPath,
                Contracts = contractsPath,
                Engine = parsed.GetValue(engine) == "spark" ? AirflowEngine.Spark : AirflowEngine.Local,
                Command = parsed.GetValue(program),
                StartDate = start,
                AlertCallback = parsed.GetValue(callback)!,
                Scheduler = TickCommand.Options(dag, 1, parsed.GetValue(maxAttempts)),
            });
            var path = parsed.GetValue(outFile)!;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, python, cancellationToken);
            await output.WriteLineAsync($"wrote {Path.GetFullPath(path)}: {dag.Jobs.Select(j => j.Schedule).Distinct().Count()} DAGs (one per schedule), {dag.Jobs.Count} tasks");
            return ExitCodes.Done;
        });
        return command;
    }

    private static Command Crontab(TextWriter output)
    {
        var root = CommonOptions.Root();
        var contracts = ContractsToPass();
        var outFile = new Option<string>("--out") { Description = "Write the lines to this file instead of the standard output." };
        var program = new Option<string>("--command") { Description = "The program cron calls.", DefaultValueFactory = _ => "batchjobs" };
        var logs = new Option<string>("--log-dir") { Description = "Where the tick log and the last SLO report go; default <root>/logs." };
        var maxParallel = TickCommand.MaxParallelOption();
        var command = new Command("crontab", "Print the crontab lines that run 'tick' every 5 minutes and 'slo' every 15 (silent unless an SLO is missed).")
        {
            root, contracts, outFile, program, logs, maxParallel,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            if (parsed.GetValue(maxParallel) < 1) throw new UsageException($"--max-parallel {parsed.GetValue(maxParallel)} must be at least 1");
            var contractsPath = parsed.GetValue(contracts) is { } given ? Path.GetFullPath(given) : null;
            TickCommand.LoadDag(contractsPath ?? JobCatalog.DefaultContractsDirectory);
            var lines = CrontabExporter.Export(new CrontabOptions
            {
                Root = Path.GetFullPath(parsed.GetValue(root)!),
                Contracts = contractsPath,
                Command = parsed.GetValue(program)!,
                LogDirectory = parsed.GetValue(logs) is { } dir ? Path.GetFullPath(dir) : null,
                MaxParallel = parsed.GetValue(maxParallel),
            });
            if (parsed.GetValue(outFile) is { } path) await File.WriteAllTextAsync(path, lines, cancellationToken);
            else await output.WriteAsync(lines);
            return ExitCodes.Done;
        });
        return command;
    }

    /// <summary>A contracts folder to validate against and pass on; without it the exported commands use the tool's own.</summary>
    private static Option<string> ContractsToPass() => new("--contracts")
    {
        Description = "The contracts folder (*.yaml) the exported commands pass on; default: the contracts shipped with the tool.",
    };
}
