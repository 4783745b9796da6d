using BatchJobs.Core;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Plans;
using BatchJobs.Scoring.TopK;

namespace BatchJobs.Jobs.Similarity;

/// <summary>
/// <c>similar-tracks</c> → <c>similar_tracks</c> and <c>similar_artists</c> (daily): for every track and every artist
/// of the day's embeddings, its <c>neighbours</c> (50 by default) most similar others by cosine of their ALS vectors,
/// best first, from the blocked cosine top-k kernel. Consumers: serving ("more like this", artist radio), playlist
/// explanations. Both datasets are published together so they always come from one model.
/// </summary>
public sealed class SimilarTracksJob : PlannedJob
{
    public override string Name => "similar-tracks";

    public override StagePlan Plan(JobContext context)
    {
        // Inputs
        var neighbours = context.IntParameter("neighbours");
        if (neighbours < 1) throw new UsageException($"parameter neighbours = {neighbours} must be at least 1");
        var mode = ScoringMode(context);

        // Transform: each item's neighbours among all items of its kind, a group of items at a time.
        var tracks = new NearestNeighboursKernel("track_id", "similar_track_id", "similar_artist_id", "track_embeddings", neighbours, mode);
        var artists = new NearestNeighboursKernel("artist_id", "similar_artist_id", null, "artist_embeddings", neighbours, mode);

        // Outputs: both from one model, published together.
        return context.NewPlan()
            .Read(context.Dataset("track_embeddings")).Read(context.Dataset("artist_embeddings"))
            .Kernel(new KernelStage("similar_tracks", "track_embeddings", "track_id", [], tracks, ["track_embeddings"]))
            .Kernel(new KernelStage("similar_artists", "artist_embeddings", "artist_id", [], artists, ["artist_embeddings"]))
            .Publish("similar_tracks", "similar_tracks", RowCount("similar_tracks"))
            .Publish("similar_artists", "similar_artists", RowCount("similar_artists"));
    }

    private static Dictionary<string, string> RowCount(string dataset) => new() { ["rows"] = $"select count(*) from {dataset}" };

    /// <summary>The <c>scoring_mode</c> parameter: exact (every pair) or approximate (cluster-pruned).</summary>
    internal static TopKMode ScoringMode(JobContext context) => context.Parameter("scoring_mode") switch
    {
        "exact" => TopKMode.Exact,
        "approximate" => TopKMode.Approximate,
        var other => throw new UsageException($"parameter scoring_mode = '{other}': use exact or approximate"),
    };
}
