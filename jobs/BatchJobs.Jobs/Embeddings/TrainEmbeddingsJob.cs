using System.Globalization;
using System.Text.Json.Nodes;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Plans;

namespace BatchJobs.Jobs.Embeddings;

/// <summary>
/// <c>train-embeddings</c> → <c>user_embeddings</c>, <c>track_embeddings</c>, <c>artist_embeddings</c> (daily):
/// implicit-feedback ALS over the day's <c>user_track_affinity</c>, with each artist's vector the affinity-weighted
/// mean of its tracks'. One training run publishes all three together, its hyper-parameters, iteration times and
/// loss curve in the manifests. Consumers: similar tracks and artists, taste clusters, playlists, serving.
/// </summary>
public sealed class TrainEmbeddingsJob : PlannedJob
{
    private static readonly string UserIndexSql = SqlResources.Load("Embeddings/user_index.sql");
    private static readonly string TrackIndexSql = SqlResources.Load("Embeddings/track_index.sql");
    private static readonly string InteractionsSql = SqlResources.Load("Embeddings/interactions.sql");
    private static readonly string UserEmbeddingsSql = SqlResources.Load("Embeddings/user_embeddings.sql");
    private static readonly string TrackEmbeddingsSql = SqlResources.Load("Embeddings/track_embeddings.sql");
    private static readonly string ArtistEmbeddingsSql = SqlResources.Load("Embeddings/artist_embeddings.sql");

    public override string Name => "train-embeddings";

    public override StagePlan Plan(JobContext context) => Build(context).Plan;

    /// <summary>Runs the plan, then records the training's hyper-parameters and loss curve in all three manifests.</summary>
    public override async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var (plan, kernel) = Build(context);
        var staged = await context.RunPlanAsync(plan, cancellationToken);
        var metrics = kernel.Metrics ?? new JsonObject();
        metrics["model_version"] = "als-" + context.RunId;
        foreach (var snapshot in staged) snapshot.Metrics = (JsonObject)metrics.DeepClone();
        await context.PublishAsync(staged, cancellationToken);
    }

    private static (StagePlan Plan, ImplicitAlsKernel Kernel) Build(JobContext context)
    {
        // Inputs
        var options = AlsParameters.From(context);
        var factors = new Dictionary<string, string> { ["factors"] = string.Create(CultureInfo.InvariantCulture, $"select {options.Factors}") };

        // Transform: number users, tracks and artists in id order, train on the numbered interactions, name the factors.
        var kernel = new ImplicitAlsKernel(options);
        var plan = context.NewPlan()
            .Read(context.Dataset("user_track_affinity")).Read(context.Dataset("tracks"))
            .Sql("user_index", UserIndexSql)
            .Sql("track_index", TrackIndexSql)
            .Sql("interactions", InteractionsSql)
            .Kernel(new KernelStage("als_factors", "interactions", "model", [], kernel, [ImplicitAlsKernel.TrackIndex], KeysPerGroup: 1))
            .Sql("user_embeddings", UserEmbeddingsSql)
            .Sql("track_embeddings", TrackEmbeddingsSql)
            .Sql("artist_embeddings", ArtistEmbeddingsSql)

        // Outputs: one training run publishes all three together.
            .Publish("user_embeddings", "user_embeddings", factors)
            .Publish("track_embeddings", "track_embeddings", factors)
            .Publish("artist_embeddings", "artist_embeddings", factors);
        return (plan, kernel);
    }
}
