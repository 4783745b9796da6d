using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BatchJobs.Core.Engine;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Snapshots;
using BatchJobs.Generation;
using BatchJobs.Jobs;

namespace BatchJobs.Cli.Benchmarks;

/// <summary>
/// Generates a world of about N events, then times ingest (all days) and the affinity job separately, each as the
/// median of several runs, against the floor of a bare DuckDB GROUP BY over the same Parquet files.
/// </summary>
public static class IngestBenchmark
{
    public sealed record Options(long Events, EventFileFormat Format, int Days, int Runs, long Seed, string? WorkDirectory, bool Json);

    public static async Task<int> RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        var root = options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "batchjobs-bench-ingest-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var end = new DateOnly(2026, 11, 22);
            var users = (int)Math.Max(1, options.Events / (options.Days * WorldOptions.DefaultEventsPerUserDay));
            var world = new WorldOptions
            {
                Root = root, Users = users, Tracks = 50_000, Artists = 5_000, Days = options.Days, EndDate = end, Seed = options.Seed, Format = options.Format,
                BadRowFraction = 0.001,
            };
            await output.WriteLineAsync($"machine: {MachineInfo.Describe()}");
            await output.WriteLineAsync($"generating ~{options.Events:N0} events ({users:N0} users x {options.Days} days, {options.Format}) in {root}");
            var watch = Stopwatch.StartNew();
            var summary = await WorldGenerator.GenerateAsync(world, null, cancellationToken);
            await output.WriteLineAsync($"generated {summary.Rows:N0} rows in {watch.Elapsed.TotalSeconds:F1} s");

            var runner = new JobRunner(root, JobCatalog.LoadContracts(), JobCatalog.All);
            var dates = Enumerable.Range(0, options.Days).Select(i => world.StartDate.AddDays(i)).ToList();
            foreach (var date in dates) await Expect(runner.RunAsync("publish-catalog", date, false, null, TextWriter.Null, cancellationToken));

            var ingestSeconds = new List<double>();
            var lastDayLog = new StringWriter();
            for (var run = 0; run < options.Runs; run++)
            {
                watch.Restart();
                var lastDay = Stopwatch.StartNew();
                foreach (var date in dates)
                {
                    lastDay.Restart();
                    await Expect(runner.RunAsync("ingest-listening-events", date, true, null, date == end ? lastDayLog : TextWriter.Null, cancellationToken));
                }
                await lastDayLog.WriteLineAsync($"whole job run {lastDay.Elapsed.TotalSeconds:F2} s");
                ingestSeconds.Add(watch.Elapsed.TotalSeconds);
                await output.WriteLineAsync($"ingest run {run + 1}: {ingestSeconds[^1]:F2} s, {summary.Rows / ingestSeconds[^1]:N0} rows/s; last day's phases:");
                await output.WriteAsync(string.Concat(lastDayLog.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => "  " + line + "\n")));
                lastDayLog.GetStringBuilder().Clear();
            }
            var ingestPeak = Process.GetCurrentProcess().PeakWorkingSet64;

            var affinitySeconds = new List<double>();
            for (var run = 0; run < options.Runs; run++)
            {
                watch.Restart();
                var log = new StringWriter();
                await Expect(runner.RunAsync("user-track-affinity", end, true, null, log, cancellationToken));
                affinitySeconds.Add(watch.Elapsed.TotalSeconds);
                await output.WriteLineAsync($"affinity job run {run + 1}: {affinitySeconds[^1]:F2} s; phases:");
                await output.WriteAsync(string.Concat(log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => "  " + line + "\n")));
            }

            var files = dates.SelectMany(d => runner.Reader.TryResolve("listening_events", d)!.FilePaths).ToList();
            var eventRows = dates.Sum(d => runner.Reader.TryResolve("listening_events", d)!.Manifest.RowCount);
            var floorSeconds = new List<double>();
            for (var run = 0; run < options.Runs; run++)
            {
                var target = Path.Combine(root, $"floor-{run}.parquet");
                watch.Restart();
                using (var db = new DuckDbSession())
                {
                    db.CreateParquetView("listening_events", files);
                    db.CopyToParquet("select user_id, track_id, count(*) as plays, max(ts) as last_played_at from listening_events group by user_id, track_id", target);
                }
                floorSeconds.Add(watch.Elapsed.TotalSeconds);
                File.Delete(target);
                await output.WriteLineAsync($"bare DuckDB group by run {run + 1}: {floorSeconds[^1]:F2} s");
            }
            var peak = Process.GetCurrentProcess().PeakWorkingSet64;

            var ingest = Median(ingestSeconds);
            var affinity = Median(affinitySeconds);
            var floor = Median(floorSeconds);
            await output.WriteLineAsync($"ingest: median {ingest:F2} s = {summary.Rows / ingest:N0} rows/s ({options.Format}, {summary.Rows:N0} rows over {options.Days} days, incl. checks and publish)");
            await output.WriteLineAsync($"affinity: median {affinity:F2} s = {eventRows / affinity:N0} event rows/s; bare DuckDB group by {floor:F2} s; ratio {affinity / floor:F2}x");
            await output.WriteLineAsync($"peak working set: {ingestPeak / 1048576.0:N0} MiB after ingest, {peak / 1048576.0:N0} MiB overall (whole process, generation included)");
            if (options.Json)
                await output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    events = summary.Rows,
                    format = options.Format.ToString().ToLowerInvariant(),
                    ingest_seconds = ingestSeconds,
                    ingest_rows_per_second = summary.Rows / ingest,
                    affinity_seconds = affinitySeconds,
                    affinity_rows_per_second = eventRows / affinity,
                    bare_group_by_seconds = floorSeconds,
                    affinity_over_floor = affinity / floor,
                    peak_memory_bytes = peak,
                    machine = MachineInfo.Describe(),
                }));
            return 0;
        }
        finally
        {
            if (options.WorkDirectory is null && Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private static async Task Expect(Task<JobRunResult> run)
    {
        var result = await run;
        if (result.ExitCode != 0) throw new InvalidOperationException($"{result.Job} {result.Date}: {result.Status}: {result.Message}");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
