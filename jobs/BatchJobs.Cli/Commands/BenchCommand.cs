using System.CommandLine;
using BatchJobs.Cli.Benchmarks;
using BatchJobs.Generation;

namespace BatchJobs.Cli.Commands;

/// <summary><c>batchjobs bench ingest</c>, <c>bench tick</c> and <c>bench pipeline</c>: benchmark programs (not timed tests) that print their figures.</summary>
public static class BenchCommand
{
    public static Command Create(TextWriter output)
    {
        var events = new Option<long>("--events") { Description = "About how many events to generate and ingest.", DefaultValueFactory = _ => 20_000_000 };
        var format = new Option<string>("--format") { Description = "Raw event format.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "parquet");
        var days = new Option<int>("--days") { Description = "Days the events are spread over (the affinity window reads them all).", DefaultValueFactory = _ => 7 };
        var runs = new Option<int>("--runs") { Description = "Runs of each phase; the median is reported.", DefaultValueFactory = _ => 3 };
        var seed = new Option<long>("--seed") { Description = "Generator seed.", DefaultValueFactory = _ => 1 };
        var work = new Option<string>("--work") { Description = "Keep the generated data in this folder instead of a temp folder." };
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object on the last line." };
        var ingest = new Command("ingest", "Time ingest (rows/s) and the affinity job against a bare DuckDB GROUP BY, with peak memory.") { events, format, days, runs, seed, work, json };
        ingest.SetAction(async (parsed, cancellationToken) => await IngestBenchmark.RunAsync(new IngestBenchmark.Options(
            parsed.GetValue(events), parsed.GetValue(format) == "parquet" ? EventFileFormat.Parquet : EventFileFormat.Csv, parsed.GetValue(days),
            parsed.GetValue(runs), parsed.GetValue(seed), parsed.GetValue(work), parsed.GetValue(json)), output, cancellationToken));
        return new Command("bench", "Benchmarks that print their figures (median of several runs, peak memory, machine).") { ingest, TickBenchmark.CreateCommand(output), PipelineBenchmark.CreateCommand(output) };
    }
}
