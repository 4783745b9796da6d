using BatchJobs.Core.Contracts;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Plans;

namespace BatchJobs.Jobs.PlaylistEvaluation;

/// <summary>
/// <c>playlist-evaluation</c> → <c>playlist_evaluation</c> (daily): the Discover Weekly built seven days before the
/// logical date, held against what its users actually played in the seven days since (the held-out week): hit rate and
/// precision, intra-list diversity, distinct artists, novelty (mean popularity rank) and catalogue coverage, beside a
/// popularity baseline built for the same users under the same artist cap. Consumers: model owners, dashboards.
/// Set-based work is SQL beside this file; the baseline's greedy pick and the per-user metrics are kernels over groups
/// of users, and the last SQL stage sums the per-user rows into one row per playlist kind.
/// </summary>
public sealed class PlaylistEvaluationJob : PlannedJob
{
    private static readonly string WeeklyPlaylists = SqlResources.Load("PlaylistEvaluation/weekly_playlists.sql");
    private static readonly string TrackPopularity = SqlResources.Load("PlaylistEvaluation/track_popularity.sql");
    private static readonly string BaselineUsers = SqlResources.Load("PlaylistEvaluation/baseline_users.sql");
    private static readonly string EvaluationRows = SqlResources.Load("PlaylistEvaluation/evaluation_rows.sql");
    private static readonly string Evaluation = SqlResources.Load("PlaylistEvaluation/playlist_evaluation.sql");

    /// <summary>The playlist kinds of the output, as <c>evaluation_rows</c> names them.</summary>
    public static readonly IReadOnlyList<string> Playlists = ["discover_weekly", "popularity_baseline"];

    public override string Name => "playlist-evaluation";

    public override StagePlan Plan(JobContext context)
    {
        // Inputs: the playlists, the model and the history they were built from (seven days back), and the week since.
        var playlists = context.Dataset("discover_weekly");
        var tracks = context.Dataset("track_embeddings");
        var history = context.Dataset("user_track_affinity");
        var events = context.Dataset("listening_events");
        var parameters = new InlineTable("job_params", [new ColumnSpec("max_per_artist", ColumnType.Int32, false)], [[context.IntParameter("max_per_artist")]]);

        return context.NewPlan()
            .Read(playlists).Read(tracks).Read(history).Read(events).Read(parameters)
            // Transform
            .Sql("weekly_playlists", WeeklyPlaylists)
            .Sql("track_popularity", TrackPopularity)
            .Sql("baseline_users", BaselineUsers)
            .Kernel(new KernelStage("popularity_baseline", "baseline_users", "user_id", ["played_track_id"], new PopularityBaselineKernel(),
                [PopularityBaselineKernel.Tracks]))
            .Sql("evaluation_rows", EvaluationRows)
            .Kernel(new KernelStage("playlist_user_metrics", "evaluation_rows", "user_id", ["kind", "position", "track_id"], new PlaylistMetricsKernel(Playlists),
                [PlaylistMetricsKernel.Tracks, PlaylistMetricsKernel.Embeddings]))
            .Sql("playlist_evaluation", Evaluation)
            // Outputs
            .Publish("playlist_evaluation", "playlist_evaluation", new Dictionary<string, string>
            {
                ["test_users"] = "select active_users from playlist_evaluation where playlist = 'discover_weekly'",
            });
    }
}
