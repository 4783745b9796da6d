using Apache.Arrow;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;
using BatchJobs.Jobs.Playlists;

namespace BatchJobs.Jobs.DiscoverWeekly;

/// <summary>
/// The Discover Weekly playlists of one group of <c>playlist_users</c>: the group's users and histories against the
/// whole catalogue (<see cref="DiscoverWeeklyCatalogue"/>, side inputs built once per process), by
/// <see cref="DiscoverWeeklyBuilder"/>. Output: the rows of <c>discover_weekly</c>, user after user in the group's
/// order, each user's in position order.
/// </summary>
/// <remarks>A user's playlist depends only on its own rows, the catalogue and the flags, so any grouping of users gives
/// the same rows. Groups run in parallel, so each scores and re-ranks on one thread. Approximate scoring clusters the
/// catalogue's tracks again in every group (<see cref="Scoring.TopK.TopKScorer"/> prepares its layout per call).</remarks>
/// <param name="settings">The run's knobs.</param>
/// <param name="flags">The artist-priority flags active in the week, read with the plan; checked against the tracks'
/// artists when the catalogue is built.</param>
public sealed class DiscoverWeeklyKernel(DiscoverWeeklySettings settings, IReadOnlyList<ArtistPriority.Flag> flags) : IGroupKernel
{
    /// <summary>The <c>source</c> column's value of each <see cref="PickSource"/>, made once rather than per row.</summary>
    private static readonly string[] SourceNames = Enum.GetValues<PickSource>().Select(s => s.ToString().ToLowerInvariant()).ToArray();

    public IReadOnlyList<ColumnSpec> OutputSchema { get; } =
    [
        new("user_id", ColumnType.String, false), new("position", ColumnType.Int32, false), new("track_id", ColumnType.String, false),
        new("artist_id", ColumnType.String, false), new("score", ColumnType.Float, false), new("source", ColumnType.String, false),
        new("reason", ColumnType.String, false),
    ];

    public RecordBatch Apply(RecordBatch rows, SideInputs sideInputs)
    {
        var catalogue = DiscoverWeeklyCatalogue.Of(sideInputs, flags);
        var tracks = catalogue.Playlist.Tracks;
        var group = PlaylistUsers.From(rows, tracks.Index);
        var playlists = new DiscoverWeeklyBuilder(group.Users, group.History, catalogue, settings).Build(1, CancellationToken.None);

        var count = playlists.Counts.Sum();
        var userIds = new string?[count];
        var positions = new int[count];
        var trackIds = new string?[count];
        var artistIds = new string?[count];
        var scores = new float[count];
        var sources = new string?[count];
        var reasons = new string?[count];
        var next = 0;
        for (var u = 0; u < playlists.Users; u++)
            for (var p = 0; p < playlists.Counts[u]; p++, next++)
            {
                var slot = u * playlists.Length + p;
                var t = playlists.Tracks[slot];
                userIds[next] = group.Users.Ids[u];
                positions[next] = p + 1;
                trackIds[next] = tracks.Ids[t];
                artistIds[next] = tracks.ArtistIds![t];
                scores[next] = playlists.Scores[slot];
                sources[next] = SourceNames[(int)playlists.Sources[slot]];
                reasons[next] = playlists.Reasons[slot];
            }
        return ArrowColumns.Batch(OutputSchema, count, [userIds, positions, trackIds, artistIds, scores, sources, reasons]);
    }
}
