using BatchJobs.Core;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Plans;

namespace BatchJobs.Jobs.Clustering;

/// <summary>
/// <c>taste-clusters</c> → <c>taste_clusters</c> and <c>track_clusters</c> (daily): Microsoft.ML k-means over the
/// day's unit-normalised track vectors, k sized to the catalogue (one cluster per <c>tracks_per_cluster</c> tracks,
/// within <c>min_clusters</c>..<c>max_clusters</c>), seeded so a day's clusters reproduce. Each cluster is labelled by
/// its leading genre and top artists and keeps its centroid; every track gets its cluster. Consumers: Discover Weekly
/// (spread and adjacency), Daily Mix (one mix per cluster), serving.
/// </summary>
public sealed class TasteClustersJob : PlannedJob
{
    private static readonly string InputSql = SqlResources.Load("Clustering/clustering_input.sql");
    private static readonly string TrackClustersSql = SqlResources.Load("Clustering/track_clusters.sql");
    private static readonly string TasteClustersSql = SqlResources.Load("Clustering/taste_clusters.sql");

    public override string Name => "taste-clusters";

    public override StagePlan Plan(JobContext context)
    {
        // Inputs
        var iterations = context.IntParameter("max_iterations");
        if (iterations < 1) throw new UsageException($"parameter max_iterations = {iterations} must be at least 1");
        var kernel = new TasteClusterKernel(context.IntParameter("tracks_per_cluster"), context.IntParameter("min_clusters"), context.IntParameter("max_clusters"),
            iterations, context.IntParameter("seed"), context.IntParameter("top_artists"));
        var fitStatistic = (string column) => $"select max({column}) from taste_fit";

        // Transform: one k-means over all track vectors, labelled from the catalogue.
        return context.NewPlan()
            .Read(context.Dataset("track_embeddings")).Read(context.Dataset("tracks")).Read(context.Dataset("artists"))
            .Sql("clustering_input", InputSql)
            .Kernel(new KernelStage("taste_fit", "clustering_input", "model", ["track_id"], kernel, ["tracks", "artists"], KeysPerGroup: 1))
            .Sql("taste_clusters", TasteClustersSql)
            .Sql("track_clusters", TrackClustersSql)

        // Outputs: clusters and assignments from one fit, published together.
            .Publish("taste_clusters", "taste_clusters", new Dictionary<string, string> { ["factors"] = fitStatistic("factors"), ["clusters_requested"] = fitStatistic("clusters_requested") })
            .Publish("track_clusters", "track_clusters");
    }
}
