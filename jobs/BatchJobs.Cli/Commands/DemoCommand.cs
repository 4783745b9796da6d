using System.CommandLine;
using BatchJobs.Core;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Snapshots;
using BatchJobs.Generation;
using BatchJobs.Jobs;
using BatchJobs.Scheduler.Dag;
using BatchJobs.Scheduler.History;
using BatchJobs.Scheduler.Slo;
using Spectre.Console;

namespace BatchJobs.Cli.Commands;

/// <summary>
/// <c>batchjobs demo</c>: the main job on the embedded default. Generates a small world when the root holds no raw
/// data, runs every job for the last raw date in dependency order (with the input windows they need), and prints what
/// was published.
/// </summary>
public static class DemoCommand
{
    public static Command Create(TextWriter output)
    {
        var root = CommonOptions.Root();
        var contracts = CommonOptions.Contracts();
        var command = new Command("demo", "Generate a small world if none is there, run every job for its last date, and print what was published.") { root, contracts };
        command.SetAction(async (parsed, cancellationToken) =>
            await RunAsync(parsed.GetValue(root)!, parsed.GetValue(contracts)!, output, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string root, string contractsDirectory, TextWriter output, CancellationToken cancellationToken)
    {
        var console = ConsoleFor.Writer(output);
        var catalog = CommonOptions.LoadContracts(contractsDirectory);
        var dates = RawDates(root);
        if (dates.Count == 0)
        {
            var options = new WorldOptions
            {
                Root = root, Users = 3000, Tracks = 20000, Artists = 2000, Days = 28, EndDate = GenerateCommand.Yesterday(), Seed = 42, BadRowFraction = 0.002,
            };
            console.MarkupLine($"No raw data under [bold]{Markup.Escape(Path.GetFullPath(root))}[/]: generating {options.Users} users, {options.Tracks} tracks, {options.Days} days.");
            await GenerateCommand.GenerateAsync(options, output, cancellationToken);
            dates = RawDates(root);
        }
        var last = dates[^1];
        var graph = new JobGraph(catalog);
        var plan = graph.Plan(graph.Order, last, dates[0]);
        var runner = new JobRunner(root, catalog, JobCatalog.All);
        console.MarkupLine($"Running {plan.Count} job runs for {last:yyyy-MM-dd} and the windows it reads ({dates[0]:yyyy-MM-dd}..{last:yyyy-MM-dd}).");
        var results = new List<JobRunResult>();
        await console.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask("running jobs", maxValue: plan.Count);
            foreach (var (job, date) in plan)
            {
                task.Description = $"{job} {date:yyyy-MM-dd}";
                results.Add(await runner.RunAsync(job, date, force: false, overrides: null, TextWriter.Null, cancellationToken));
                task.Increment(1);
            }
        });

        var failed = results.Where(r => r.ExitCode != ExitCodes.Done).ToList();
        foreach (var failure in failed) console.MarkupLine($"[red]{failure.Job} {failure.Date:yyyy-MM-dd}: {failure.Status}[/]: {Markup.Escape(failure.Message)}");
        console.Write(PublishedTable(runner.Reader, catalog.All.Select(c => c.Name), last));
        WriteSloStatus(console, catalog, runner.Reader, root, last);
        await PrintOneUsersPlaylistsAsync(runner.Reader, output, cancellationToken);
        console.MarkupLine($"{results.Count(r => r.Status == JobRunStatus.Published)} runs published, {results.Count(r => r.Status == JobRunStatus.UpToDate)} already up to date, {failed.Count} failed.");
        console.MarkupLine($"Read a snapshot: [bold]batchjobs show user_track_affinity --root {Markup.Escape(root)} --limit 10[/]");
        return failed.Count == 0 ? ExitCodes.Done : failed.Max(f => f.ExitCode);
    }

    /// <summary>What serving would show the first user of the latest Discover Weekly: their playlist and Daily Mixes.</summary>
    private static async Task PrintOneUsersPlaylistsAsync(SnapshotReader reader, TextWriter output, CancellationToken cancellationToken)
    {
        var weekly = reader.TryResolveLatest("discover_weekly");
        if (weekly is null) return;
        string? user = null;
        await foreach (var row in SnapshotReader.ReadRowsAsync(weekly, cancellationToken))
        {
            user = (string?)row[0];
            break;
        }
        if (user is null) return;
        await output.WriteLineAsync($"Discover Weekly and Daily Mixes of {user} (batchjobs show discover_weekly --user {user}):");
        await ShowCommand.PrintAsync(weekly, [("user_id", user)], 30, output, cancellationToken);
        if (reader.TryResolveLatest("daily_mix") is { } mixes) await ShowCommand.PrintAsync(mixes, [("user_id", user)], 300, output, cancellationToken);
    }

    private static Table PublishedTable(SnapshotReader reader, IEnumerable<string> datasets, DateOnly last)
    {
        var table = new Table().Border(TableBorder.Simple).Title($"Published as of {last:yyyy-MM-dd}");
        foreach (var column in new[] { "dataset", "latest partition", "partitions", "rows", "checks" }) table.AddColumn(column);
        foreach (var dataset in datasets)
        {
            var latest = reader.TryResolveLatest(dataset);
            if (latest is null)
            {
                table.AddRow(dataset, "-", "0", "-", "not published");
                continue;
            }
            var checks = latest.Manifest.Checks;
            var failedWarn = checks.Where(c => c.Status == CheckStatus.Failed).Select(c => c.Name).ToList();
            var summary = $"{checks.Count(c => c.Status == CheckStatus.Passed)}/{checks.Count} passed" + (failedWarn.Count > 0 ? $"; warn: {string.Join(", ", failedWarn)}" : "");
            table.AddRow(Markup.Escape(dataset), latest.Manifest.Partition, reader.PublishedPartitions(dataset).Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                latest.Manifest.RowCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(summary));
        }
        return table;
    }

    /// <summary>A line per dataset: its SLO status for the last date's partition as of now, and the age of <c>_LATEST</c>.</summary>
    private static void WriteSloStatus(IAnsiConsole console, ContractCatalog catalog, SnapshotReader reader, string root, DateOnly last)
    {
        ScheduledDag dag;
        try
        {
            dag = ScheduledDag.Build(catalog, JobCatalog.All.Select(j => j.Name));
        }
        catch (ContractException e)
        {
            console.MarkupLine($"[yellow]SLO status unavailable, the scheduler would not start[/]: {Markup.Escape(e.Message)}");
            return;
        }
        var evaluator = new SloEvaluator(dag, reader, RunStore.Exists(root) ? RunStore.Open(root) : null);
        var now = DateTimeOffset.UtcNow;
        foreach (var contract in catalog.All)
        {
            var slo = evaluator.Evaluate(contract, contract.PartitionOf(last), now);
            var freshness = evaluator.FreshnessOf(contract, now);
            var state = slo.State switch
            {
                SloState.Met => "[green]met[/]",
                SloState.Missed => "[red]missed[/]",
                SloState.AtRisk => "[yellow]at risk[/]",
                _ => "on track",
            };
            console.MarkupLine($"SLO {Markup.Escape(contract.Name)} dt={slo.Partition:yyyy-MM-dd}: {state}, expected by {slo.ExpectedBy:yyyy-MM-dd HH:mm} UTC, {Markup.Escape(slo.Detail)}; " +
                (freshness.Age is { } age ? $"_LATEST {SloEvaluator.Span(age)} old (limit {SloEvaluator.Span(freshness.Limit)})" : "never published"));
        }
    }

    private static List<DateOnly> RawDates(string root)
    {
        var folder = RawLayout.EventsFolder(root);
        if (!Directory.Exists(folder)) return [];
        return Directory.EnumerateDirectories(folder, "dt=*")
            .Select(d => SnapshotLayout.TryParseDate(Path.GetFileName(d)[3..], out var date) ? date : (DateOnly?)null)
            .Where(d => d is not null).Select(d => d!.Value).Order().ToList();
    }
}
