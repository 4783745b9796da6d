using Apache.Arrow;
using BatchJobs.Core.Plans;
using BatchJobs.Jobs.Similarity;

namespace BatchJobs.Jobs.Playlists;

/// <summary>
/// One group of <c>playlist_users</c> (see playlist_users.sql) as the playlist builders take it: the group's users as a
/// small embedding table, in the order they come, and their listening history with tracks as catalogue rows.
/// </summary>
public sealed class PlaylistUsers
{
    private PlaylistUsers(EmbeddingTable users, ListeningHistory history)
    {
        Users = users;
        History = history;
    }

    public EmbeddingTable Users { get; }
    public ListeningHistory History { get; }

    /// <param name="rows">A group: per user a vector row (row_kind 0) and play rows (row_kind 1).</param>
    /// <param name="trackIndex">The catalogue row of each track id; plays of other tracks are left out.</param>
    /// <exception cref="InvalidDataException">Vectors of different lengths.</exception>
    public static PlaylistUsers From(RecordBatch rows, IReadOnlyDictionary<string, int> trackIndex)
    {
        var userIds = rows.Strings("user_id");
        var kinds = rows.Int32s("row_kind");
        var vectors = (ListArray)rows.Column(rows.Schema.GetFieldIndex("vector"));
        var ids = new List<string>();
        var values = new List<float>();
        var factors = -1;
        for (var r = 0; r < rows.Length; r++)
        {
            if (kinds[r] != 0) continue;
            var vector = ((FloatArray)vectors.GetSlicedValues(r)).Values;
            if (factors < 0) factors = vector.Length;
            if (vector.Length != factors)
                throw new InvalidDataException($"user '{userIds[r]}' has {vector.Length} factors where others have {factors}; republish the embeddings");
            ids.Add(userIds[r]);
            values.AddRange(vector);
        }
        var users = new EmbeddingTable(ids.ToArray(), null, values.ToArray(), Math.Max(factors, 1));

        var trackIds = rows.Strings("track_id");
        var affinity = rows.Doubles("affinity");
        var streams = rows.Int64s("streams");
        var skips = rows.Int64s("skips");
        var playUsers = new List<int>();
        var playTracks = new List<int>();
        var playAffinity = new List<float>();
        var playStreams = new List<int>();
        var playSkips = new List<int>();
        for (var r = 0; r < rows.Length; r++)
        {
            if (kinds[r] == 0) continue;
            playUsers.Add(users.Index.TryGetValue(userIds[r], out var u) ? u : -1);
            playTracks.Add(trackIndex.TryGetValue(trackIds[r], out var t) ? t : -1);
            // As the history files were read: affinity narrowed to float, counts to int.
            playAffinity.Add((float)affinity[r]);
            playStreams.Add((int)streams[r]);
            playSkips.Add((int)skips[r]);
        }
        return new PlaylistUsers(users, ListeningHistory.Build(users.Count, playUsers, playTracks, playAffinity, playStreams, playSkips));
    }
}
