using System.Globalization;
using System.Text.Json.Nodes;
using BatchJobs.Core;
using BatchJobs.Core.Jobs;
using BatchJobs.Embeddings.Als;

namespace BatchJobs.Jobs.Embeddings;

/// <summary>The ALS hyper-parameters a contract declares, as trainer options and as manifest metrics.</summary>
public static class AlsParameters
{
    public static ImplicitAlsOptions From(JobContext context) => new()
    {
        Factors = context.IntParameter("factors"),
        Iterations = context.IntParameter("iterations"),
        Regularization = (float)context.DoubleParameter("regularization"),
        RegularizationMode = context.Parameter("regularization_mode") switch
        {
            "plain" => RegularizationMode.Plain,
            "weighted" => RegularizationMode.Weighted,
            var other => throw new UsageException($"parameter regularization_mode = '{other}': use plain or weighted"),
        },
        Alpha = (float)context.DoubleParameter("alpha"),
        Scaling = context.Parameter("scaling") switch
        {
            "linear" => ConfidenceScaling.Linear,
            "log" => ConfidenceScaling.Log,
            var other => throw new UsageException($"parameter scaling = '{other}': use linear or log"),
        },
        Solver = context.Parameter("solver") switch
        {
            "cg" => AlsSolver.ConjugateGradient,
            "cholesky" => AlsSolver.Cholesky,
            var other => throw new UsageException($"parameter solver = '{other}': use cg or cholesky"),
        },
        ConjugateGradientSteps = context.IntParameter("cg_steps"),
        Seed = ulong.Parse(context.Parameter("seed"), CultureInfo.InvariantCulture),
        ComputeLoss = true,
    };

    /// <summary>Trains, recording each iteration's seconds and loss for the manifest.</summary>
    public static (ImplicitAlsModel Model, JsonObject Metrics) Train(BatchJobs.Embeddings.Sparse.CsrMatrix userItems, ImplicitAlsOptions options, TextWriter log,
        CancellationToken cancellationToken)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException("ALS parameters: " + e.Message);
        }
        var seconds = new JsonArray();
        var losses = new JsonArray();
        var model = ImplicitAlsTrainer.Fit(userItems, options, report =>
        {
            seconds.Add(Math.Round(report.Elapsed.TotalSeconds, 4));
            losses.Add(report.Loss);
            log.WriteLine($"iteration {report.Iteration}: {report.Elapsed.TotalSeconds:F3} s, loss {report.Loss:G6}");
        }, cancellationToken);
        var metrics = new JsonObject
        {
            ["hyper_parameters"] = new JsonObject
            {
                ["factors"] = options.Factors, ["iterations"] = options.Iterations, ["regularization"] = options.Regularization,
                ["regularization_mode"] = options.RegularizationMode.ToString(), ["alpha"] = options.Alpha, ["scaling"] = options.Scaling.ToString(),
                ["solver"] = options.Solver.ToString(), ["cg_steps"] = options.ConjugateGradientSteps, ["seed"] = options.Seed,
            },
            ["users"] = userItems.Rows,
            ["items"] = userItems.Columns,
            ["non_zeros"] = userItems.NonZeros,
            ["iteration_seconds"] = seconds,
            ["loss_curve"] = losses,
        };
        return (model, metrics);
    }
}
