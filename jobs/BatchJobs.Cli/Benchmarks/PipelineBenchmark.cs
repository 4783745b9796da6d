using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BatchJobs.Core;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Snapshots;
using BatchJobs.Generation;
using BatchJobs.Jobs;

namespace BatchJobs.Cli.Benchmarks;

/// <summary>
/// <c>batchjobs bench pipeline</c>: generates a world, brings every input of its last date up to date, then runs each
/// job of the last date in a process of its own, as cron would, and prints per job the wall and CPU seconds, the peak
/// resident memory and the rows it published, and the totals.
/// </summary>
/// <remarks>
/// A job's CPU time and peak memory are read from <c>/proc/&lt;pid&gt;</c> every 20 ms while it runs (utime + stime,
/// VmHWM), so they miss at most the last 20 ms of the process.
/// </remarks>
public static class PipelineBenchmark
{
    public sealed record Options(int Users, int Tracks, int Artists, int Days, long Seed, string? WorkDirectory, bool Keep, bool Json);

    public sealed record JobFigures(string Name, double WallSeconds, double CpuSeconds, long PeakRssBytes, long Rows, int ExitCode);

    public static Command CreateCommand(TextWriter output)
    {
        var users = new Option<int>("--users") { Description = "Users of the world.", DefaultValueFactory = _ => 100_000 };
        var tracks = new Option<int>("--tracks") { Description = "Tracks of the catalogue.", DefaultValueFactory = _ => 100_000 };
        var artists = new Option<int>("--artists") { Description = "Artists of the catalogue.", DefaultValueFactory = _ => 10_000 };
        var days = new Option<int>("--days") { Description = "Days of listening.", DefaultValueFactory = _ => 28 };
        var seed = new Option<long>("--seed") { Description = "Generator seed.", DefaultValueFactory = _ => 1 };
        var work = new Option<string>("--work") { Description = "Generate into (or reuse the world already in) this folder instead of a temp folder." };
        var keep = new Option<bool>("--keep") { Description = "Keep the temp folder afterwards." };
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object on the last line." };
        var command = new Command("pipeline", "Run every job of the last date of a generated world, each in its own process, with wall, CPU, peak memory and rows.")
            { users, tracks, artists, days, seed, work, keep, json };
        command.SetAction(async (parsed, cancellationToken) => await RunAsync(new Options(parsed.GetValue(users), parsed.GetValue(tracks), parsed.GetValue(artists),
            parsed.GetValue(days), parsed.GetValue(seed), parsed.GetValue(work), parsed.GetValue(keep), parsed.GetValue(json)), output, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        var root = options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "batchjobs-bench-pipeline-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var world = new WorldOptions
            {
                Root = root, Users = options.Users, Tracks = options.Tracks, Artists = options.Artists, Days = options.Days,
                EndDate = new DateOnly(2026, 11, 30), Seed = options.Seed, Format = EventFileFormat.Parquet, BadRowFraction = 0.001,
            };
            await output.WriteLineAsync($"machine: {MachineInfo.Describe()}");
            var watch = Stopwatch.StartNew();
            if (Directory.Exists(Path.Combine(root, "raw", "listening_events")))
                await output.WriteLineAsync($"reusing the world in {root}");
            else
            {
                var summary = await WorldGenerator.GenerateAsync(world, null, cancellationToken);
                await output.WriteLineAsync($"generated {summary.Rows:N0} events ({options.Users:N0} users, {options.Tracks:N0} tracks, {options.Days} days) in {watch.Elapsed.TotalSeconds:F0} s");
            }

            var catalog = JobCatalog.LoadContracts();
            var graph = new JobGraph(catalog);
            var last = world.EndDate;
            var runs = graph.Plan(graph.Order, last, world.StartDate);
            watch.Restart();
            foreach (var (job, date) in runs.Where(r => r.Date < last))
            {
                var upstream = await RunJobAsync(root, job, date, force: false, cancellationToken);
                if (upstream.ExitCode != ExitCodes.Done) throw new InvalidOperationException($"{job} {date:yyyy-MM-dd} exited {upstream.ExitCode}; the inputs of {last:yyyy-MM-dd} cannot be brought up to date");
            }
            await output.WriteLineAsync($"inputs of {last:yyyy-MM-dd} up to date in {watch.Elapsed.TotalSeconds:F0} s ({runs.Count(r => r.Date < last)} runs)");

            var reader = new SnapshotReader(new SnapshotLayout(root));
            var figures = new List<JobFigures>();
            await output.WriteLineAsync($"{"job",-26} {"wall s",8} {"CPU s",8} {"CPU/wall",8} {"peak RSS",10} {"rows",14}");
            foreach (var (job, _) in runs.Where(r => r.Date == last))
            {
                var measured = await RunJobAsync(root, job, last, force: true, cancellationToken);
                var rows = catalog.ProducedBy(job).Sum(c => reader.TryResolve(c.Name, c.PartitionOf(last))?.Manifest.RowCount ?? 0);
                var result = measured with { Rows = rows };
                figures.Add(result);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{job,-26} {result.WallSeconds,8:F1} {result.CpuSeconds,8:F1} {result.CpuSeconds / Math.Max(result.WallSeconds, 1e-9),8:F2} {result.PeakRssBytes / 1073741824.0,8:F2} GB {rows,14:N0}{(result.ExitCode == 0 ? "" : $"  exit {result.ExitCode}")}"));
            }
            var totalWall = figures.Sum(f => f.WallSeconds);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{"total",-26} {totalWall,8:F1} {figures.Sum(f => f.CpuSeconds),8:F1} {"",8} {figures.Max(f => f.PeakRssBytes) / 1073741824.0,8:F2} GB (max)"));
            if (options.Json)
                await output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    machine = MachineInfo.Describe(),
                    users = options.Users, tracks = options.Tracks, artists = options.Artists, days = options.Days,
                    jobs = figures.Select(f => new { name = f.Name, wall_seconds = Math.Round(f.WallSeconds, 2), cpu_seconds = Math.Round(f.CpuSeconds, 2), peak_rss_bytes = f.PeakRssBytes, rows = f.Rows, exit_code = f.ExitCode }),
                    total_wall_seconds = Math.Round(totalWall, 2),
                }));
            return figures.All(f => f.ExitCode == ExitCodes.Done) ? ExitCodes.Done : figures.First(f => f.ExitCode != ExitCodes.Done).ExitCode;
        }
        finally
        {
            if (options.WorkDirectory is null && !options.Keep && Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Runs <c>batchjobs run JOB --date D</c> as a child process, sampling its CPU time and peak memory.</summary>
    private static async Task<JobFigures> RunJobAsync(string root, string job, DateOnly date, bool force, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "batchjobs.dll"));
        foreach (var arg in new[] { "run", job, "--date", SnapshotLayout.FormatDate(date), "--root", root }) start.ArgumentList.Add(arg);
        if (force) start.ArgumentList.Add("--force");
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        double cpu = 0;
        long peak = 0;
        var exited = process.WaitForExitAsync(cancellationToken);
        while (!exited.IsCompleted)
        {
            (cpu, peak) = Sample(process.Id, cpu, peak);
            await Task.WhenAny(exited, Task.Delay(20, cancellationToken));
        }
        await exited;
        var wall = watch.Elapsed.TotalSeconds;
        if (process.ExitCode != ExitCodes.Done) Console.Error.WriteLine($"{job} {date:yyyy-MM-dd}: exit {process.ExitCode}: {await stdout}{await stderr}");
        return new JobFigures(job, wall, cpu, peak, 0, process.ExitCode);
    }

    /// <summary>CPU seconds (utime + stime at 100 ticks a second) and VmHWM of a running process; the last values if it is gone.</summary>
    private static (double Cpu, long Peak) Sample(int pid, double cpu, long peak)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
            var hwm = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (hwm is not null) peak = Math.Max(peak, long.Parse(hwm.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process ended between two samples.
        }
        return (cpu, peak);
    }
}
