using System.CommandLine;
using BatchJobs.Core;
using BatchJobs.Core.Snapshots;
using BatchJobs.Scheduler.History;
using BatchJobs.Scheduler.Slo;
using Spectre.Console;

namespace BatchJobs.Cli.Commands;

/// <summary>
/// <c>batchjobs slo</c>: every dataset's SLO per due partition (expected by, published at, lateness, met / missed /
/// at risk), the freshness of <c>_LATEST</c> and the latest check results. Exits non-zero when an SLO is missed.
/// </summary>
public static class SloCommand
{
    public static Command Create(TextWriter output)
    {
        var root = CommonOptions.Root();
        var contracts = CommonOptions.Contracts();
        var now = TickCommand.NowOption();
        var days = new Option<int>("--days") { Description = "Report the partitions that became due in this many days before now.", DefaultValueFactory = _ => 7 };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("slo", $"Report every dataset's SLO per partition and the freshness of _LATEST. Exit {SloReport.MissedExitCode} when an SLO is missed or a dataset is stale, else 0.")
        {
            root, contracts, now, days, json,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var (_, dag) = TickCommand.LoadDag(parsed.GetValue(contracts)!);
            var rootPath = parsed.GetValue(root)!;
            if (parsed.GetValue(days) < 1) throw new UsageException($"--days {parsed.GetValue(days)} must be at least 1");
            var clock = TickCommand.Clock(parsed.GetValue(now));
            // Reading SLOs never creates a run history where the scheduler has not run.
            var store = RunStore.Exists(rootPath) ? RunStore.Open(rootPath) : null;
            var evaluator = new SloEvaluator(dag, new SnapshotReader(new SnapshotLayout(rootPath)), store);
            var report = evaluator.Report(clock.GetUtcNow(), TimeSpan.FromDays(parsed.GetValue(days)));
            if (parsed.GetValue(json)) await output.WriteLineAsync(report.ToJson());
            else Print(report, ConsoleFor.Writer(output));
            return report.ExitCode;
        });
        return command;
    }

    private static void Print(SloReport report, IAnsiConsole console)
    {
        console.MarkupLine($"SLOs at {report.Now:yyyy-MM-dd HH:mm} UTC, partitions due in the last {SloEvaluator.Span(report.Lookback)}" +
            (report.StartDate is { } start ? $", scheduler responsible from {start:yyyy-MM-dd}" : ", no tick has run yet"));
        console.WriteLine(SloReport.Semantics);
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in new[] { "dataset", "partition", "due", "expected by", "published at", "lateness", "state", "detail", "checks" }) table.AddColumn(column);
        foreach (var dataset in report.Datasets)
            foreach (var p in dataset.Partitions)
                table.AddRow(Markup.Escape(dataset.Dataset), $"{p.Partition:yyyy-MM-dd}", $"{p.DueAt:MM-dd HH:mm}", $"{p.ExpectedBy:MM-dd HH:mm}",
                    p.PublishedAt is { } at ? $"{at:MM-dd HH:mm}" : "-", (p.Lateness > TimeSpan.Zero ? "+" : "-") + SloEvaluator.Span(p.Lateness), State(p.State),
                    Markup.Escape(p.Detail), Markup.Escape(p.Checks ?? "-"));
        console.Write(table);

        var freshness = new Table().Border(TableBorder.Simple).Title("Freshness of _LATEST");
        foreach (var column in new[] { "dataset", "job", "schedule", "deadline", "latest", "age", "limit", "fresh", "latest checks" }) freshness.AddColumn(column);
        foreach (var d in report.Datasets)
            freshness.AddRow(Markup.Escape(d.Dataset), Markup.Escape(d.Job), Markup.Escape(d.Schedule), SloEvaluator.Span(d.Deadline),
                d.Freshness.LatestPartition is { } latest ? $"{latest:yyyy-MM-dd}" : "never", d.Freshness.Age is { } age ? SloEvaluator.Span(age) : "-",
                SloEvaluator.Span(d.Freshness.Limit), d.Freshness.Ok ? "yes" : "[red]NO[/]", Markup.Escape(d.LatestChecks ?? "-"));
        console.Write(freshness);
        console.MarkupLine($"{report.Count(SloState.Met)} met, {report.Count(SloState.Missed)} missed, {report.Count(SloState.AtRisk)} at risk, {report.Count(SloState.OnTrack)} on track; " +
            (report.Stale.Count == 0 ? "every dataset fresh" : $"stale: {Markup.Escape(string.Join(", ", report.Stale.Select(d => d.Dataset)))}"));
    }

    private static string State(SloState state) => state switch
    {
        SloState.Met => "met",
        SloState.Missed => "[red]MISSED[/]",
        SloState.AtRisk => "[yellow]at risk[/]",
        _ => "on track",
    };
}
