using System.CommandLine;
using System.Diagnostics;
using System.Runtime;
using System.Text.Json;
using BatchJobs.Benchmarks.Als;
using BatchJobs.Core.Jobs;
using BatchJobs.Jobs;

namespace BatchJobs.Benchmarks.Playlists;

/// <summary>
/// <c>playlists</c>: publishes a synthetic world of the given shape in a temporary folder (<see cref="PlaylistWorld"/>),
/// then runs the real <c>discover-weekly</c> and <c>daily-mix</c> jobs through the <see cref="JobRunner"/> several
/// times each (reading the inputs, checks and publishing included) and prints seconds, output rows per second and the
/// peak resident memory during each job, with the job's own log of its phases.
/// </summary>
public static class PlaylistsBenchmark
{
    private static readonly string[] Jobs = ["discover-weekly", "daily-mix"];

    /// <summary>The <c>playlists</c> command.</summary>
    public static Command CreateCommand()
    {
        var users = new Option<int>("--users") { Description = "Users of the world", DefaultValueFactory = _ => 100_000 };
        var tracks = new Option<int>("--tracks") { Description = "Tracks of the catalogue", DefaultValueFactory = _ => 50_000 };
        var factors = new Option<int>("--factors") { Description = "Factors of the embeddings", DefaultValueFactory = _ => 64 };
        var history = new Option<int>("--history") { Description = "Mean played tracks per user (most users have half to 1.5 times as many)", DefaultValueFactory = _ => 50 };
        var runs = new Option<int>("--runs") { Description = "Timed runs of each job; the median is reported", DefaultValueFactory = _ => 3 };
        var mode = new Option<string>("--scoring-mode") { Description = "Discover Weekly's candidate scoring: exact or approximate", DefaultValueFactory = _ => "exact" };
        mode.AcceptOnlyFromAmong("exact", "approximate");
        var seed = new Option<int>("--seed") { Description = "Seed of the world", DefaultValueFactory = _ => 42 };
        var work = new Option<string?>("--work") { Description = "Folder for the world, kept afterwards (default: a temporary folder, deleted)" };
        var reuse = new Option<bool>("--reuse-world") { Description = "With --work: run the jobs on the world already published there, if it has the same number of users" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on the last line" };
        var inProcess = new Option<bool>("--in-process")
        {
            Description = "Run the jobs in this process rather than each run in a fresh one (faster; JIT warm after the first run, and the " +
                "peak then includes memory earlier runs left behind, DuckDB's above all)",
        };
        var childJob = new Option<string?>("--child-job") { Description = "Internal: run this job once on the world in --work and print its figures as JSON", Hidden = true };

        var command = new Command("playlists", "The discover-weekly and daily-mix jobs end to end on a published synthetic world.");
        foreach (var option in new Option[] { users, tracks, factors, history, runs, mode, seed, work, reuse, json, inProcess, childJob }) command.Add(option);
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            new PlaylistWorld.Shape(parseResult.GetValue(users), parseResult.GetValue(tracks), parseResult.GetValue(factors), parseResult.GetValue(history),
                parseResult.GetValue(seed)),
            parseResult.GetValue(runs), parseResult.GetValue(mode)!, parseResult.GetValue(work), parseResult.GetValue(reuse), parseResult.GetValue(json),
            parseResult.GetValue(inProcess), parseResult.GetValue(childJob), Console.Out, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        PlaylistWorld.Shape shape, int runs, string scoringMode, string? work, bool reuse, bool json, bool inProcess, string? childJob, TextWriter output,
        CancellationToken cancellationToken)
    {
        if (childJob is not null) return await RunChildAsync(shape, scoringMode, work, childJob, output, cancellationToken);
        if (shape.Users < 1 || shape.Tracks < 10 || shape.Factors < 1 || shape.History < 2 || runs < 1)
        {
            await Console.Error.WriteLineAsync("--users, --factors and --runs must be positive, --tracks at least 10 and --history at least 2.");
            return 50;
        }
        var root = work ?? Path.Combine(Path.GetTempPath(), "batchjobs-bench-playlists-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            // A Monday, so Discover Weekly's partition is the date itself.
            var date = new DateOnly(2026, 11, 23);
            var contracts = JobCatalog.LoadContracts();
            var runner = new JobRunner(root, contracts, JobCatalog.All);
            var machine = MachineInfo.Current();
            await output.WriteLineAsync($"machine: {machine.Cores} cores, {machine.Cpu}, {machine.Simd}, {machine.Runtime}");
            await output.WriteLineAsync($"publishing a world of {shape.Users:N0} users x {shape.Tracks:N0} tracks x {shape.Factors} factors, ~{shape.History} plays per user, in {root}");
            var watch = Stopwatch.StartNew();
            var world = reuse && work is not null ? PlaylistWorld.TryDescribe(runner, date, shape) : null;
            if (world is null)
            {
                world = await PlaylistWorld.PublishAsync(shape, runner, root, contracts, date, TextWriter.Null, cancellationToken);
                await output.WriteLineAsync($"world published in {watch.Elapsed.TotalSeconds:F1} s");
            }
            else
            {
                await output.WriteLineAsync("reusing the world published there");
            }
            var worldSeconds = watch.Elapsed.TotalSeconds;
            await output.WriteLineAsync($"world: {world.Artists:N0} artists, {world.AffinityRows:N0} affinity rows, {world.TasteClusters} taste clusters " +
                $"(real taste-clusters job); embeddings and affinity synthetic around {PlaylistWorld.Genres} genre centres");

            var figures = new Dictionary<string, object>();
            foreach (var job in Jobs)
            {
                var seconds = new List<double>();
                var peaks = new List<long>();
                long rows = 0;
                string lastLog = "";
                var method = "";
                for (var run = 0; run < runs; run++)
                {
                    var result = inProcess
                        ? await RunJobAsync(runner, job, date, scoringMode, cancellationToken)
                        : await RunJobInChildAsync(root, shape, scoringMode, job, cancellationToken);
                    if (result.Error is not null)
                    {
                        await Console.Error.WriteLineAsync($"{job}: {result.Error}");
                        return 1;
                    }
                    rows = result.Rows;
                    seconds.Add(result.Seconds);
                    peaks.Add(result.PeakBytes);
                    lastLog = result.Log;
                    method = result.Method;
                    await output.WriteLineAsync($"  {job} run {run + 1}: {result.Seconds:F2} s, {rows / result.Seconds:N0} rows/s, peak {Mib(result.PeakBytes)} MiB " +
                        $"(resident at start {Mib(result.StartBytes)} MiB)");
                }
                var median = Median(seconds);
                await output.WriteLineAsync($"{job}{(job == "discover-weekly" ? $" ({scoringMode} scoring)" : "")}: median {median:F2} s of {runs} runs " +
                    $"(min {seconds.Min():F2}, max {seconds.Max():F2}), {rows:N0} rows, {rows / median:N0} rows/s, {world.Users / median:N0} users/s, " +
                    $"peak {Mib(peaks.Max())} MiB resident ({method}, {(inProcess ? "all runs in this process" : "each run in a fresh process")}); last run's log:");
                await output.WriteAsync(string.Concat(lastLog.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => "    " + line.TrimEnd() + "\n")));
                figures[job] = new Dictionary<string, object>
                {
                    ["seconds"] = Math.Round(median, 3),
                    ["runs_seconds"] = seconds.Select(s => Math.Round(s, 3)).ToArray(),
                    ["rows"] = rows,
                    ["rows_per_second"] = Math.Round(rows / median),
                    ["users_per_second"] = Math.Round(world.Users / median),
                    ["peak_memory_bytes"] = peaks.Max(),
                };
            }
            await output.WriteLineAsync("wall times vary with other load on the cores; peak memory is the whole process's resident set during the job" +
                (inProcess ? "" : " (a fresh process per run, as a scheduler runs a job: JIT and runtime included)"));
            if (json)
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["benchmark"] = "playlists",
                    ["users"] = shape.Users,
                    ["tracks"] = shape.Tracks,
                    ["factors"] = shape.Factors,
                    ["history"] = shape.History,
                    ["affinity_rows"] = world.AffinityRows,
                    ["taste_clusters"] = world.TasteClusters,
                    ["scoring_mode"] = scoringMode,
                    ["isolated_runs"] = !inProcess,
                    ["runs"] = runs,
                    ["world_seconds"] = Math.Round(worldSeconds, 2),
                    ["jobs"] = figures,
                    ["machine"] = machine,
                }));
            }
            return 0;
        }
        finally
        {
            if (work is null && Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>One timed run of one job.</summary>
    private sealed record JobRun(double Seconds, long Rows, long PeakBytes, long StartBytes, string Method, string Log, string? Error);

    /// <summary>Runs <paramref name="job"/> once in this process, forcing a recomputation.</summary>
    private static async Task<JobRun> RunJobAsync(JobRunner runner, string job, DateOnly date, string scoringMode, CancellationToken cancellationToken)
    {
        ReleaseMemory();
        using var memory = PeakMemory.Start();
        var log = new StringWriter();
        var watch = Stopwatch.StartNew();
        var overrides = job == "discover-weekly" ? new Dictionary<string, string> { ["scoring_mode"] = scoringMode } : null;
        var result = await runner.RunAsync(job, date, force: true, overrides, log, cancellationToken);
        var seconds = watch.Elapsed.TotalSeconds;
        var peak = memory.PeakBytes();
        return new JobRun(seconds, result.Manifests.Sum(m => m.RowCount), peak, memory.StartBytes, memory.Method, log.ToString(),
            result.Status == JobRunStatus.Published ? null : $"{result.Status}: {result.Message}");
    }

    /// <summary>Runs <paramref name="job"/> once in a child process on the world under <paramref name="root"/>.</summary>
    private static async Task<JobRun> RunJobInChildAsync(string root, PlaylistWorld.Shape shape, string scoringMode, string job, CancellationToken cancellationToken)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program is unknown; use --in-process");
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
        // Under `dotnet batchjobs-bench.dll` the host is dotnet, which needs the assembly first.
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(PlaylistsBenchmark).Assembly.Location);
        foreach (var argument in new[]
        {
            "playlists", "--work", root, "--reuse-world", "--child-job", job, "--scoring-mode", scoringMode,
            "--users", $"{shape.Users}", "--tracks", $"{shape.Tracks}", "--factors", $"{shape.Factors}", "--history", $"{shape.History}", "--seed", $"{shape.Seed}",
        })
        {
            start.ArgumentList.Add(argument);
        }
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {host}");
        var text = await child.StandardOutput.ReadToEndAsync(cancellationToken);
        await child.WaitForExitAsync(cancellationToken);
        var last = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (child.ExitCode != 0 || last is null) return new JobRun(0, 0, 0, 0, "", text, $"the child process exited with {child.ExitCode}: {text}");
        return JsonSerializer.Deserialize<JobRun>(last)!;
    }

    /// <summary>The child side of <see cref="RunJobInChildAsync"/>: one run, its figures as JSON on the last line.</summary>
    private static async Task<int> RunChildAsync(PlaylistWorld.Shape shape, string scoringMode, string? work, string job, TextWriter output, CancellationToken cancellationToken)
    {
        var date = new DateOnly(2026, 11, 23);
        var runner = new JobRunner(work ?? throw new ArgumentException("--child-job needs --work"), JobCatalog.LoadContracts(), JobCatalog.All);
        if (PlaylistWorld.TryDescribe(runner, date, shape) is null)
        {
            await Console.Error.WriteLineAsync($"{work} holds no world of {shape.Users} users and {shape.Tracks} tracks for {date:yyyy-MM-dd}");
            return 50;
        }
        await output.WriteLineAsync(JsonSerializer.Serialize(await RunJobAsync(runner, job, date, scoringMode, cancellationToken)));
        return 0;
    }

    /// <summary>Collects garbage and returns free memory to the system, so that each run starts from the process's floor.</summary>
    private static void ReleaseMemory()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
