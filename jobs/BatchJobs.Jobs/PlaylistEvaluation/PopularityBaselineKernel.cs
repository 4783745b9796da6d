using Apache.Arrow;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;

namespace BatchJobs.Jobs.PlaylistEvaluation;

/// <summary>
/// The popularity baseline of each user in a group of <c>baseline_users</c> rows (user_id, playlist_length,
/// max_per_artist, played_track_id): the most played tracks the user has not played, as many as the user's playlist has,
/// at most max_per_artist per artist (<see cref="PlaylistMetrics.PopularUnplayed"/>). Side input:
/// <c>track_popularity</c>. Played tracks the model does not hold are ignored; they could never be picked.
/// </summary>
public sealed class PopularityBaselineKernel : IGroupKernel
{
    public const string Tracks = "track_popularity";

    public IReadOnlyList<ColumnSpec> OutputSchema { get; } =
        [new("user_id", ColumnType.String, false), new("position", ColumnType.Int32, false), new("track_id", ColumnType.String, false)];

    public RecordBatch Apply(RecordBatch rows, SideInputs sideInputs)
    {
        var tracks = sideInputs.Get(Tracks, EvaluationTracks.From);
        // The tracks in popularity order are the track numbers in order (see EvaluationTracks).
        var popularFirst = sideInputs.Get(Tracks, _ => Enumerable.Range(0, tracks.Count).ToArray());
        var users = rows.Strings("user_id");
        var lengths = rows.Int32s("playlist_length");
        var caps = rows.Int32s("max_per_artist");
        var played = (StringArray)rows.Column(rows.Schema.GetFieldIndex("played_track_id"));
        var (outUsers, outPositions, outTracks) = (new List<string?>(), new List<int>(), new List<string?>());
        var exclude = new HashSet<int>();
        for (var start = 0; start < users.Length;)
        {
            var end = start;
            exclude.Clear();
            for (; end < users.Length && users[end] == users[start]; end++)
                if (!played.IsNull(end) && tracks.IndexOf(played.GetString(end)!) is >= 0 and var t) exclude.Add(t);
            var picks = PlaylistMetrics.PopularUnplayed(popularFirst, exclude, tracks.ArtistOfTrack, lengths[start], caps[start]);
            for (var p = 0; p < picks.Length; p++)
            {
                outUsers.Add(users[start]);
                outPositions.Add(p + 1);
                outTracks.Add(tracks.TrackIds[picks[p]]);
            }
            start = end;
        }
        return ArrowColumns.Batch(OutputSchema, outUsers.Count, [outUsers.ToArray(), outPositions.ToArray(), outTracks.ToArray()]);
    }
}
