using BatchJobs.Core.Jobs;
using BatchJobs.Core.Plans;

namespace BatchJobs.Jobs.Playlists;

/// <summary>
/// The start every per-user playlist plan shares: the model, history and catalogue datasets, the tracks' listeners over
/// the whole history (track_popularity.sql) and each user's vector with its plays (playlist_users.sql, the kernel's
/// source, grouped by <c>user_id</c> and ordered by <see cref="OrderBy"/>).
/// </summary>
public static class PlaylistStages
{
    /// <summary>The relation a playlist kernel runs over.</summary>
    public const string Users = "playlist_users";

    /// <summary>Orders a user's rows: its vector first, then its plays.</summary>
    public static IReadOnlyList<string> OrderBy { get; } = ["row_kind"];

    private static readonly string PopularitySql = SqlResources.Load("Playlists/track_popularity.sql");
    private static readonly string UsersSql = SqlResources.Load("Playlists/playlist_users.sql");

    /// <summary>Reads the datasets of <see cref="PlaylistCatalogue.SideInputs"/> and the users, and adds the two SQL stages.</summary>
    public static StagePlan ReadUsersAndCatalogue(this StagePlan plan, JobContext context) => plan
        .ReadUsers(context)
        .Read(context.Dataset(PlaylistCatalogue.TasteClusters)).Read(context.Dataset(PlaylistCatalogue.TrackClusters)).Read(context.Dataset(PlaylistCatalogue.Artists))
        .Sql(PlaylistCatalogue.Popularity, PopularitySql);

    /// <summary>Reads the model and the history, and adds the users stage (each user's vector with its plays).</summary>
    public static StagePlan ReadUsers(this StagePlan plan, JobContext context) => plan
        .Read(context.Dataset("user_embeddings")).Read(context.Dataset(PlaylistCatalogue.TrackEmbeddings)).Read(context.Dataset("user_track_affinity"))
        .Sql(Users, UsersSql);
}
