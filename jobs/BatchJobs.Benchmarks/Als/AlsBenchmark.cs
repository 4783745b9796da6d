using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BatchJobs.Embeddings.Als;
using BatchJobs.Embeddings.Evaluation;
using BatchJobs.Embeddings.Sparse;

namespace BatchJobs.Benchmarks.Als;

/// <summary>
/// <c>batchjobs-bench als</c>: trains implicit ALS on a file or a synthetic power-law matrix and prints the
/// seconds of every iteration (wall, and the process's CPU time), their median, the process's peak memory and
/// the machine; with a test set, the
/// ranking metrics at k of the model and of the popularity baseline. <c>--json</c> adds the same figures as one
/// JSON object on the last line.
/// </summary>
public static class AlsBenchmark
{
    private const int BadArguments = 50;

    /// <summary>The <c>als</c> command with its options.</summary>
    public static Command CreateCommand()
    {
        var input = new Option<string?>("--input") { Description = "CSV or Parquet file of user,item,value triples (ids may be strings or numbers); trains on all of it." };
        var synthetic = new Option<string?>("--synthetic") { Description = "USERS,ITEMS,NNZ: generate a power-law matrix of that shape instead of reading a file." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the synthetic matrix and of the factor initialisation.", DefaultValueFactory = _ => 1 };
        var train = new Option<string?>("--train") { Description = "Pre-split training triples (CSV or Parquet); use with --test." };
        var test = new Option<string?>("--test") { Description = "Pre-split test triples; enables the metrics at --k for the model and the popularity baseline." };
        var factors = new Option<int>("--factors") { Description = "Vector dimension.", DefaultValueFactory = _ => 64 };
        var iterations = new Option<int>("--iterations") { Description = "ALS iterations.", DefaultValueFactory = _ => 15 };
        var regularization = new Option<float>("--regularization") { Description = "L2 penalty lambda.", DefaultValueFactory = _ => 0.01f };
        var regularizationMode = new Option<string>("--regularization-mode") { Description = "plain (lambda) or weighted (lambda times the row's interactions, as Spark).", DefaultValueFactory = _ => "plain" };
        regularizationMode.AcceptOnlyFromAmong("plain", "weighted");
        var alpha = new Option<float>("--alpha") { Description = "Confidence slope: c = 1 + alpha * s(value).", DefaultValueFactory = _ => 1f };
        var scaling = new Option<string>("--scaling") { Description = "s(value): linear or log (log1p).", DefaultValueFactory = _ => "linear" };
        scaling.AcceptOnlyFromAmong("linear", "log");
        var solver = new Option<string>("--solver") { Description = "cg (conjugate gradient) or cholesky (exact).", DefaultValueFactory = _ => "cg" };
        solver.AcceptOnlyFromAmong("cg", "cholesky");
        var cgSteps = new Option<int>("--cg-steps") { Description = "Conjugate-gradient steps per row and half-iteration.", DefaultValueFactory = _ => 3 };
        var threads = new Option<int>("--threads") { Description = "Worker threads; 0 uses every core.", DefaultValueFactory = _ => 0 };
        var k = new Option<int>("--k") { Description = "Cut-off of the ranking metrics.", DefaultValueFactory = _ => 10 };
        var loss = new Option<bool>("--loss") { Description = "Also compute the training loss after every iteration (not included in the iteration time)." };
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object on the last line." };

        var command = new Command("als", "Implicit ALS training speed, peak memory and (with --test) ranking quality.");
        foreach (var option in new Option[] { input, synthetic, seed, train, test, factors, iterations, regularization, regularizationMode, alpha, scaling, solver, cgSteps, threads, k, loss, json })
            command.Add(option);

        command.SetAction((parseResult, cancellationToken) =>
        {
            var settings = new Settings(
                parseResult.GetValue(input), parseResult.GetValue(synthetic), parseResult.GetValue(seed), parseResult.GetValue(train), parseResult.GetValue(test),
                new ImplicitAlsOptions
                {
                    Factors = parseResult.GetValue(factors),
                    Iterations = parseResult.GetValue(iterations),
                    Regularization = parseResult.GetValue(regularization),
                    RegularizationMode = parseResult.GetValue(regularizationMode) == "weighted" ? RegularizationMode.Weighted : RegularizationMode.Plain,
                    Alpha = parseResult.GetValue(alpha),
                    Scaling = parseResult.GetValue(scaling) == "log" ? ConfidenceScaling.Log : ConfidenceScaling.Linear,
                    Solver = parseResult.GetValue(solver) == "cholesky" ? AlsSolver.Cholesky : AlsSolver.ConjugateGradient,
                    ConjugateGradientSteps = parseResult.GetValue(cgSteps),
                    MaxDegreeOfParallelism = parseResult.GetValue(threads),
                    ComputeLoss = parseResult.GetValue(loss),
                    Seed = parseResult.GetValue(seed),
                },
                parseResult.GetValue(k), parseResult.GetValue(json));
            return RunAsync(settings, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        Data data;
        try
        {
            settings.Options.Validate();
            if (settings.K < 1) throw new ArgumentException($"--k must be at least 1; got {settings.K}.");
            data = await LoadAsync(settings, cancellationToken);
        }
        catch (Exception error) when (error is ArgumentException or InvalidDataException or FileNotFoundException)
        {
            Console.Error.WriteLine($"als: {error.Message}");
            return BadArguments;
        }

        var options = settings.Options;
        var train = data.Train;
        Console.WriteLine($"data: {data.Description}: {train.Rows:N0} users x {train.Columns:N0} items, {train.NonZeros:N0} interactions (loaded in {data.Seconds:F2} s)");
        Console.WriteLine($"model: {options.Factors} factors, solver {Describe(options)}, lambda {options.Regularization.ToString(CultureInfo.InvariantCulture)} ({options.RegularizationMode}), "
            + $"alpha {options.Alpha.ToString(CultureInfo.InvariantCulture)} ({options.Scaling}), {options.Iterations} iterations, {options.EffectiveParallelism} threads, seed {options.Seed}");

        var seconds = new List<double>();
        var cpuSeconds = new List<double>();
        var losses = new List<double>();
        // CPU time of the whole process between callbacks: on a machine shared with other work it shows what an
        // iteration costs when wall time is inflated by waiting for a core (it includes the loss when --loss).
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var training = Stopwatch.StartNew();
        var model = ImplicitAlsTrainer.Fit(train, options, report =>
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            seconds.Add(report.Elapsed.TotalSeconds);
            cpuSeconds.Add((cpu - cpuBefore).TotalSeconds);
            cpuBefore = cpu;
            if (report.Loss is { } value) losses.Add(value);
            var lossText = report.Loss is { } l ? $", loss {l.ToString("G6", CultureInfo.InvariantCulture)}" : "";
            Console.WriteLine($"iteration {report.Iteration,3}: {report.Elapsed.TotalSeconds:F3} s (process CPU {cpuSeconds[^1]:F3} s){lossText}");
        }, cancellationToken);
        training.Stop();

        var median = Median(seconds);
        Console.WriteLine($"median iteration: {median:F3} s (min {seconds.Min():F3}, max {seconds.Max():F3}; median process CPU {Median(cpuSeconds):F3} s); "
            + $"whole fit incl. set-up: {training.Elapsed.TotalSeconds:F2} s");

        RankingReport? modelMetrics = null, popularityMetrics = null;
        if (data.Test is { } test)
        {
            var recommendations = ExhaustiveTopKRecommender.Recommend(model.UserFactors, model.ItemFactors, train, settings.K, options.MaxDegreeOfParallelism);
            modelMetrics = RankingEvaluation.Evaluate(recommendations, test);
            popularityMetrics = RankingEvaluation.Evaluate(PopularityRecommender.Recommend(train, settings.K), test);
            Console.WriteLine($"metrics@{settings.K} over {modelMetrics.Users:N0} test users (training items excluded):");
            Console.WriteLine($"  model      {Describe(modelMetrics)}");
            Console.WriteLine($"  popularity {Describe(popularityMetrics)}");
        }

        // Peak working set (VmHWM on Linux) of the whole process: runtime, data loading or generation, training.
        var peak = Process.GetCurrentProcess().PeakWorkingSet64;
        var budget = CsrBytes(train.Rows, train.NonZeros) + CsrBytes(train.Columns, train.NonZeros)
            + 4L * model.UserFactors.Stride * ((long)train.Rows + train.Columns);
        Console.WriteLine($"peak memory: {peak:N0} bytes (process peak working set); two CSR copies + factors: {budget:N0} bytes; ratio {peak / (double)budget:F2}");
        var machine = MachineInfo.Current();
        Console.WriteLine($"machine: {machine.Cores} cores, {machine.Cpu}, SIMD {machine.Simd}, {machine.Runtime}");

        if (settings.Json)
        {
            var figures = new
            {
                Benchmark = "als",
                Data = data.Description,
                Users = train.Rows,
                Items = train.Columns,
                Interactions = train.NonZeros,
                options.Factors,
                Solver = Describe(options),
                options.Iterations,
                Threads = options.EffectiveParallelism,
                IterationSeconds = seconds,
                MedianIterationSeconds = median,
                IterationCpuSeconds = cpuSeconds,
                MedianIterationCpuSeconds = Median(cpuSeconds),
                FitSeconds = training.Elapsed.TotalSeconds,
                Loss = losses.Count > 0 ? losses : null,
                PeakMemoryBytes = peak,
                PeakMemorySource = "Process.PeakWorkingSet64 (whole process)",
                CsrAndFactorBytes = budget,
                Metrics = modelMetrics is null ? null : Metrics(modelMetrics),
                PopularityMetrics = popularityMetrics is null ? null : Metrics(popularityMetrics),
                Machine = machine,
            };
            Console.WriteLine(JsonSerializer.Serialize(figures, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        }
        return 0;
    }

    private static async Task<Data> LoadAsync(Settings settings, CancellationToken cancellationToken)
    {
        var sources = (settings.Input is null ? 0 : 1) + (settings.Synthetic is null ? 0 : 1) + (settings.Train is null ? 0 : 1);
        if (sources != 1) throw new ArgumentException("Give exactly one of --input FILE, --synthetic USERS,ITEMS,NNZ or --train FILE --test FILE.");
        if ((settings.Train is null) != (settings.Test is null)) throw new ArgumentException("--train and --test go together.");

        var clock = Stopwatch.StartNew();
        if (settings.Synthetic is { } shape)
        {
            var parts = shape.Split(',');
            if (parts.Length != 3 || !int.TryParse(parts[0], out var users) || !int.TryParse(parts[1], out var items) || !long.TryParse(parts[2], out var nonZeros))
                throw new ArgumentException($"--synthetic expects USERS,ITEMS,NNZ (e.g. 100000,50000,5200000); got '{shape}'.");
            var matrix = SyntheticInteractions.Generate(users, items, nonZeros, settings.Seed);
            return new Data($"synthetic power-law (seed {settings.Seed})", matrix, null, clock.Elapsed.TotalSeconds);
        }

        var files = new InteractionFiles();
        if (settings.Input is { } path)
        {
            var triples = await files.ReadAsync(path, cancellationToken);
            return new Data(path, files.ToMatrix(triples), null, clock.Elapsed.TotalSeconds);
        }
        var trainTriples = await files.ReadAsync(settings.Train!, cancellationToken);
        var testTriples = await files.ReadAsync(settings.Test!, cancellationToken);
        // Built after both reads so both matrices index every user and item; test-only items get no training data.
        return new Data($"{settings.Train} / {settings.Test}", files.ToMatrix(trainTriples), files.ToMatrix(testTriples), clock.Elapsed.TotalSeconds);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static long CsrBytes(int rows, int nonZeros) => 4L * (rows + 1) + 8L * nonZeros;

    private static string Describe(ImplicitAlsOptions options) =>
        options.Solver == AlsSolver.Cholesky ? "cholesky" : $"cg ({options.ConjugateGradientSteps} steps)";

    private static string Describe(RankingReport report) =>
        string.Create(CultureInfo.InvariantCulture,
            $"precision {report.Precision:F4}  recall {report.Recall:F4}  map {report.Map:F4}  ndcg {report.Ndcg:F4}  coverage {report.Coverage:F4}");

    private static object Metrics(RankingReport report) => new
    {
        report.Precision,
        report.Recall,
        report.Map,
        report.Ndcg,
        report.K,
        report.Coverage,
        report.Users,
    };

    private sealed record Settings(string? Input, string? Synthetic, ulong Seed, string? Train, string? Test, ImplicitAlsOptions Options, int K, bool Json);

    private sealed record Data(string Description, CsrMatrix Train, CsrMatrix? Test, double Seconds);
}
