using BatchJobs.Core.Contracts;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Plans;
using BatchJobs.Jobs.Embeddings;

namespace BatchJobs.Jobs.ModelEvaluation;

/// <summary>
/// <c>evaluate-embeddings</c> → <c>model_evaluation</c> (daily): trains the embeddings as of seven days before the
/// logical date, recommends the top k unplayed tracks per user, and scores them — and a popularity baseline —
/// against the user-track pairs first played in the last seven days. The contract blocks publishing when the model
/// does not beat the baseline or regresses more than 20% against the previous evaluation. Consumers: model owners.
/// Training reuses train-embeddings' SQL (users and interactions; tracks without artists here); the test set, the
/// baseline's ranking and the exclusions are SQL beside this file; both lists and the per-user metrics are kernels over
/// groups of users, and the last SQL stage averages the per-user rows into one row per model.
/// </summary>
public sealed class EvaluateEmbeddingsJob : PlannedJob
{
    private static readonly string UserIndexSql = SqlResources.Load("Embeddings/user_index.sql");
    private static readonly string TrackIndexSql = SqlResources.Load("ModelEvaluation/track_index.sql");
    private static readonly string InteractionsSql = SqlResources.Load("Embeddings/interactions.sql");
    private static readonly string TrackFactorsSql = SqlResources.Load("ModelEvaluation/track_factors.sql");
    private static readonly string FirstPlaysSql = SqlResources.Load("ModelEvaluation/first_plays.sql");
    private static readonly string TrackPopularitySql = SqlResources.Load("ModelEvaluation/track_popularity.sql");
    private static readonly string EvaluationHistorySql = SqlResources.Load("ModelEvaluation/evaluation_history.sql");
    private static readonly string EvaluationRowsSql = SqlResources.Load("ModelEvaluation/evaluation_rows.sql");
    private static readonly string ModelEvaluationSql = SqlResources.Load("ModelEvaluation/model_evaluation.sql");

    /// <summary>The models of the output, as <c>recommendations</c> names them.</summary>
    public static readonly IReadOnlyList<string> Models = [RecommendationsKernel.Model, RecommendationsKernel.Baseline];

    public override string Name => "evaluate-embeddings";

    public override StagePlan Plan(JobContext context)
    {
        // Inputs: the training affinity (its window ends seven days back) and the last seven days of events.
        var k = context.IntParameter("k");
        var options = AlsParameters.From(context);
        var parameters = new InlineTable("job_params", [new ColumnSpec("k", ColumnType.Int32, false)], [[k]]);

        return context.NewPlan()
            .Read(context.Dataset("user_track_affinity")).Read(context.Dataset("listening_events")).Read(parameters)
            // Transform: train as train-embeddings does, hold out the first plays, list and score per user, average.
            .Sql("user_index", UserIndexSql)
            .Sql("track_index", TrackIndexSql)
            .Sql("interactions", InteractionsSql)
            .Kernel(new KernelStage("als_factors", "interactions", "model", [], new AlsFactorsKernel(options), [], KeysPerGroup: 1))
            .Sql("track_factors", TrackFactorsSql)
            .Sql("first_plays", FirstPlaysSql)
            .Sql("track_popularity", TrackPopularitySql)
            .Sql("evaluation_history", EvaluationHistorySql)
            .Kernel(new KernelStage("recommendations", "evaluation_history", "user_index", ["track_index"], new RecommendationsKernel(k),
                [RecommendationsKernel.TrackFactors, RecommendationsKernel.TrackPopularity]))
            .Sql("evaluation_rows", EvaluationRowsSql)
            .Kernel(new KernelStage("user_metrics", "evaluation_rows", "user_index", ["kind", "position", "track_index"], new UserMetricsKernel(Models, k), []))
            .Sql("model_evaluation", ModelEvaluationSql)
            // Outputs
            .Publish("model_evaluation", "model_evaluation", new Dictionary<string, string>
            {
                ["test_pairs"] = "select count(*) from first_plays",
                ["train_pairs"] = "select count(*) from interactions",
            });
    }
}
