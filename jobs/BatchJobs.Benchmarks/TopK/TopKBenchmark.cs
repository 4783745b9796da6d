using System.CommandLine;
using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Text.Json;
using BatchJobs.Scoring.TopK;

namespace BatchJobs.Benchmarks.TopK;

/// <summary>
/// <c>topk</c>: times top-k candidate scoring of every user of a synthetic model, exact or approximate, and
/// prints seconds, users per second, GFLOP/s, peak memory and (approximate) recall against the exact scorer.
/// </summary>
public static class TopKBenchmark
{
    /// <summary>The <c>topk</c> command.</summary>
    public static Command CreateCommand()
    {
        var synthetic = new Option<string>("--synthetic") { Description = "USERS,ITEMS of the synthetic model", DefaultValueFactory = _ => "100000,50000" };
        var factors = new Option<int>("--factors") { Description = "Factors per user and item", DefaultValueFactory = _ => 64 };
        var k = new Option<int>("--k") { Description = "Items returned per user", DefaultValueFactory = _ => 500 };
        var exclude = new Option<int>("--exclude") { Description = "Excluded (history) items per user", DefaultValueFactory = _ => 50 };
        var threads = new Option<int>("--threads") { Description = "Worker threads; 0 for all cores", DefaultValueFactory = _ => 0 };
        var mode = new Option<string>("--mode") { Description = "exact or approximate", DefaultValueFactory = _ => "exact" };
        mode.AcceptOnlyFromAmong("exact", "approximate");
        var candidates = new Option<double>("--candidates") { Description = "Approximate: candidates per user as a multiple of k", DefaultValueFactory = _ => new ApproximateTopKOptions().CandidateMultiplier };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic model", DefaultValueFactory = _ => 42 };
        var runs = new Option<int>("--runs") { Description = "Timed runs; the median is reported", DefaultValueFactory = _ => 3 };
        var pretrained = new Option<bool>("--pretrained-clusters")
        {
            Description = "Approximate: train the item clusters once before timing and pass them in (an index built ahead), so the runs time scoring alone",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on the last line" };

        var command = new Command("topk", "Top-k candidate scoring of all users against all items (the discover-weekly candidate step).");
        foreach (var option in new Option[] { synthetic, factors, k, exclude, threads, mode, candidates, seed, runs, pretrained, json }) command.Add(option);
        command.SetAction((parseResult, _) => Task.FromResult(Run(
            parseResult.GetValue(synthetic)!, parseResult.GetValue(factors), parseResult.GetValue(k),
            parseResult.GetValue(exclude), parseResult.GetValue(threads), parseResult.GetValue(mode) == "approximate",
            parseResult.GetValue(candidates), parseResult.GetValue(seed), parseResult.GetValue(runs), parseResult.GetValue(pretrained), parseResult.GetValue(json))));
        return command;
    }

    private static int Run(
        string synthetic, int factors, int k, int exclude, int threads, bool approximate, double candidates, int seed, int runs, bool pretrained, bool json)
    {
        var shape = synthetic.Split(',');
        if (shape.Length != 2 || !int.TryParse(shape[0], out var userCount) || !int.TryParse(shape[1], out var itemCount)
            || userCount < 1 || itemCount < 1)
        {
            Console.Error.WriteLine($"--synthetic '{synthetic}' must be USERS,ITEMS, two positive integers, e.g. 100000,50000.");
            return 50;
        }
        if (factors < 1 || k < 1 || exclude < 0 || threads < 0 || runs < 1 || !(candidates >= 1))
        {
            Console.Error.WriteLine("--factors, --k and --runs must be positive, --candidates at least 1; --exclude and --threads must not be negative.");
            return 50;
        }

        var build = Stopwatch.StartNew();
        var (users, items, exclusions) = SyntheticFactors.Create(userCount, itemCount, factors, exclude, seed);
        Console.WriteLine($"synthetic model: {userCount:N0} users x {itemCount:N0} items x {factors} factors " +
            $"(items and users clustered around {SyntheticFactors.Genres} genre centres, as trained factors of a catalogue are; not uniform random), " +
            $"{exclusions.Count:N0} exclusions ({build.Elapsed.TotalSeconds:F1} s to generate)");
        var exact = new TopKOptions { K = k, MaxDegreeOfParallelism = threads == 0 ? -1 : threads };
        var options = approximate
            ? exact with
            {
                Mode = TopKMode.Approximate,
                Approximate = new ApproximateTopKOptions
                {
                    CandidateMultiplier = candidates,
                    Clusters = pretrained
                        ? ItemClusters.Train(items, ItemClusters.DefaultClusterCount(itemCount), new ApproximateTopKOptions().Iterations, new ApproximateTopKOptions().Seed,
                            exact.MaxDegreeOfParallelism)
                        : null,
                },
            }
            : exact;

        // The approximate mode is timed in alternation with the exact one, so that both see the same
        // machine load; each mode's first run also touches fresh memory and is reported apart.
        var modes = approximate ? new[] { exact, options } : new[] { exact };
        var timings = modes.Select(_ => new List<(double Wall, double Cpu)>()).ToArray();
        var results = new TopKResult?[modes.Length];
        for (var run = 0; run <= runs; run++)
        {
            for (var mode = 0; mode < modes.Length; mode++)
            {
                results[mode] = null;
                var (wall, cpu, result) = Time(() => TopKScorer.Score(users, items, exclusions, modes[mode]));
                results[mode] = result;
                var name = modes[mode].Mode == TopKMode.Exact ? "exact" : "approximate";
                Console.WriteLine(run == 0
                    ? $"  {name} first run (not counted): {wall:F3} s, {cpu:F2} s of CPU"
                    : $"  {name} run {run}: {wall:F3} s, {cpu:F2} s of CPU");
                if (run > 0) timings[mode].Add((wall, cpu));
            }
        }

        var measured = Summarise(timings[^1]);
        var flops = 2.0 * userCount * itemCount * factors;
        var figures = new Dictionary<string, object>
        {
            ["benchmark"] = "topk",
            ["mode"] = approximate ? "approximate" : "exact",
            ["users"] = userCount,
            ["items"] = itemCount,
            ["factors"] = factors,
            ["k"] = k,
            ["exclude"] = exclude,
            ["threads"] = threads == 0 ? Environment.ProcessorCount : threads,
            ["runs"] = runs,
            ["seconds"] = Math.Round(measured.Wall, 4),
            ["users_per_second"] = Math.Round(userCount / measured.Wall),
            ["cpu_seconds"] = Math.Round(measured.Cpu, 3),
        };
        Console.WriteLine($"top-{k} {(approximate ? "approximate" : "exact")}: median {measured.Wall:F3} s of {runs} runs " +
            $"(min {measured.Min:F3}, max {measured.Max:F3}), {userCount / measured.Wall:N0} users/s, median CPU time {measured.Cpu:F2} s");
        if (approximate)
        {
            var baseline = Summarise(timings[0]);
            var recall = Recall(results[0]!, results[1]!);
            var clusterCount = ItemClusters.DefaultClusterCount(itemCount);
            var (kmeansWall, _, _) = Time(() =>
            {
                ItemClusters.Train(items, clusterCount, options.Approximate.Iterations, options.Approximate.Seed, exact.MaxDegreeOfParallelism);
                return null;
            });
            Console.WriteLine(pretrained
                ? $"  excludes k-means into {clusterCount} clusters, trained once before timing (--pretrained-clusters): {kmeansWall:F3} s when timed on its own"
                : $"  includes k-means into {clusterCount} clusters: {kmeansWall:F3} s (timed once more on its own)");
            Console.WriteLine($"  exact, same runs: median {baseline.Wall:F3} s, CPU {baseline.Cpu:F2} s -> approximate takes " +
                $"{measured.Wall / baseline.Wall:P1} of its time ({measured.Cpu / baseline.Cpu:P1} of its CPU time); " +
                $"recall@{k} = {recall:F4} with {candidates} x k candidates");
            figures["recall"] = Math.Round(recall, 5);
            figures["exact_seconds"] = Math.Round(baseline.Wall, 4);
            figures["exact_cpu_seconds"] = Math.Round(baseline.Cpu, 3);
            figures["kmeans_seconds"] = Math.Round(kmeansWall, 4);
            figures["kmeans_in_seconds"] = !pretrained;
        }
        else
        {
            Console.WriteLine($"  {flops / measured.Wall / 1e9:F1} GFLOP/s of dot products ({flops / 1e9:F0} GFLOP)");
            figures["gflops"] = Math.Round(flops / measured.Wall / 1e9, 1);
        }
        var peak = Process.GetCurrentProcess().PeakWorkingSet64;
        figures["peak_memory_bytes"] = peak;
        Console.WriteLine($"  peak memory (working set) {peak / (1024.0 * 1024):N0} MiB");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {CpuModel()}, SIMD " +
            (Vector512.IsHardwareAccelerated ? "512-bit (AVX-512)" : Vector256.IsHardwareAccelerated ? "256-bit" : "128-bit or none") +
            $", .NET {Environment.Version}; wall times vary with other load on the cores, CPU times much less");
        if (json) Console.WriteLine(JsonSerializer.Serialize(figures));
        return 0;
    }

    /// <summary>Wall and CPU seconds of one call, after collecting the garbage of the previous one.</summary>
    private static (double Wall, double Cpu, TopKResult? Result) Time(Func<TopKResult?> action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var result = action();
        var wall = watch.Elapsed.TotalSeconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpuBefore).TotalSeconds, result);
    }

    private static (double Wall, double Cpu, double Min, double Max) Summarise(List<(double Wall, double Cpu)> timings)
    {
        var walls = timings.Select(t => t.Wall).Order().ToArray();
        var cpus = timings.Select(t => t.Cpu).Order().ToArray();
        return (walls[walls.Length / 2], cpus[cpus.Length / 2], walls[0], walls[^1]);
    }

    /// <summary>Mean over users of |approximate top k ∩ exact top k| / |exact top k|.</summary>
    private static double Recall(TopKResult truth, TopKResult approximate)
    {
        var total = 0.0;
        var users = 0;
        var exact = new HashSet<int>();
        for (var user = 0; user < truth.RowCount; user++)
        {
            if (truth.CountOf(user) == 0) continue;
            exact.Clear();
            foreach (var item in truth.ItemsOf(user)) exact.Add(item);
            var found = 0;
            foreach (var item in approximate.ItemsOf(user)) if (exact.Contains(item)) found++;
            total += (double)found / exact.Count;
            users++;
        }
        return users == 0 ? 1.0 : total / users;
    }

    private static string CpuModel()
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (!File.Exists(cpuInfo)) return "unknown CPU";
        var line = File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? "unknown CPU" : line[(line.IndexOf(':') + 1)..].Trim();
    }
}
