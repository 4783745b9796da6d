using Apache.Arrow;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;
using BatchJobs.Jobs.Playlists;

namespace BatchJobs.Jobs.DailyMix;

/// <summary>
/// The Daily Mixes of one group of <c>playlist_users</c>: the group's users and histories against the whole catalogue
/// (<see cref="PlaylistCatalogue"/>, side inputs built once per process), by <see cref="DailyMixBuilder"/>. Output: the
/// rows of <c>daily_mix</c>, user after user in the group's order, each user's in mix and position order.
/// </summary>
/// <remarks>A user's mixes depend only on its own rows and the catalogue, so any grouping of users gives the same rows.
/// Groups run in parallel, so each builds on one thread.</remarks>
public sealed class DailyMixKernel(DailyMixOptions options) : IGroupKernel
{
    public IReadOnlyList<ColumnSpec> OutputSchema { get; } =
    [
        new("user_id", ColumnType.String, false), new("mix_number", ColumnType.Int32, false), new("mix_name", ColumnType.String, false),
        new("position", ColumnType.Int32, false), new("track_id", ColumnType.String, false), new("artist_id", ColumnType.String, false),
        new("is_new", ColumnType.Boolean, false), new("score", ColumnType.Float, false),
    ];

    public RecordBatch Apply(RecordBatch rows, SideInputs sideInputs)
    {
        var catalogue = PlaylistCatalogue.Of(sideInputs);
        var group = PlaylistUsers.From(rows, catalogue.Tracks.Index);
        var mixes = new DailyMixBuilder(group.Users, group.History, catalogue, options).Build(1, CancellationToken.None);

        var count = mixes.Sum(m => m.Length);
        var userIds = new string?[count];
        var mixNumbers = new int[count];
        var mixNames = new string?[count];
        var positions = new int[count];
        var trackIds = new string?[count];
        var artistIds = new string?[count];
        var isNew = new bool[count];
        var scores = new float[count];
        var next = 0;
        for (var u = 0; u < mixes.Length; u++)
            foreach (var row in mixes[u])
            {
                userIds[next] = group.Users.Ids[u];
                mixNumbers[next] = row.MixNumber;
                mixNames[next] = row.MixName;
                positions[next] = row.Position;
                trackIds[next] = catalogue.Tracks.Ids[row.Track];
                artistIds[next] = catalogue.Tracks.ArtistIds![row.Track];
                isNew[next] = row.IsNew;
                scores[next++] = row.Score;
            }
        return ArrowColumns.Batch(OutputSchema, count, [userIds, mixNumbers, mixNames, positions, trackIds, artistIds, isNew, scores]);
    }
}
