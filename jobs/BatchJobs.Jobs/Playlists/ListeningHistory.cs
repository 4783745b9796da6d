using BatchJobs.Core.Tables;
using Parquet;
using Parquet.Schema;

namespace BatchJobs.Jobs.Playlists;

/// <summary>
/// <c>user_track_affinity</c> grouped by user, in the row order of the user embeddings and with tracks as rows of the
/// track embeddings: each user's played tracks, most affine first, with streams and skips. Every played track counts as
/// history, zero affinity included (a track played and skipped has still been played).
/// </summary>
public sealed class ListeningHistory
{
    private readonly int[] offsets;
    private readonly int[] tracks;
    private readonly float[] affinities;
    private readonly int[] streams;
    private readonly int[] skips;

    private ListeningHistory(int[] offsets, int[] tracks, float[] affinities, int[] streams, int[] skips)
    {
        this.offsets = offsets;
        this.tracks = tracks;
        this.affinities = affinities;
        this.streams = streams;
        this.skips = skips;
    }

    public int UserCount => offsets.Length - 1;

    /// <summary>All played (user, track) pairs.</summary>
    public int Count => tracks.Length;

    /// <summary>CSR offsets: user <c>u</c>'s tracks are <c>offsets[u]..offsets[u + 1]</c>.</summary>
    public ReadOnlySpan<int> Offsets => offsets;

    /// <summary>The user's played tracks (track embedding rows), most affine first (ties by row).</summary>
    public ReadOnlySpan<int> TracksOf(int user) => tracks.AsSpan(offsets[user], offsets[user + 1] - offsets[user]);

    public ReadOnlySpan<float> AffinitiesOf(int user) => affinities.AsSpan(offsets[user], offsets[user + 1] - offsets[user]);

    public ReadOnlySpan<int> StreamsOf(int user) => streams.AsSpan(offsets[user], offsets[user + 1] - offsets[user]);

    public ReadOnlySpan<int> SkipsOf(int user) => skips.AsSpan(offsets[user], offsets[user + 1] - offsets[user]);

    /// <summary>All tracks of all users, user after user (the CSR values), for exclusion lists.</summary>
    public ReadOnlySpan<int> AllTracks => tracks;

    /// <summary>Groups rows given as parallel lists; rows whose user or track is unknown (-1) are left out.</summary>
    public static ListeningHistory Build(int users, IReadOnlyList<int> userRows, IReadOnlyList<int> trackRows, IReadOnlyList<float> affinity,
        IReadOnlyList<int> streamCounts, IReadOnlyList<int> skipCounts)
    {
        // Counting sort by user, then each user's plays by affinity descending, track ascending.
        var offsets = new int[users + 1];
        for (var i = 0; i < userRows.Count; i++)
            if (userRows[i] >= 0 && trackRows[i] >= 0) offsets[userRows[i] + 1]++;
        for (var u = 0; u < users; u++) offsets[u + 1] += offsets[u];
        var plays = new Play[offsets[users]];
        var next = offsets.AsSpan(0, users).ToArray();
        for (var i = 0; i < userRows.Count; i++)
            if (userRows[i] >= 0 && trackRows[i] >= 0) plays[next[userRows[i]]++] = new Play(affinity[i], trackRows[i], streamCounts[i], skipCounts[i]);
        for (var u = 0; u < users; u++)
            plays.AsSpan(offsets[u], offsets[u + 1] - offsets[u]).Sort(default(PlayOrder));
        return new ListeningHistory(offsets, plays.Select(p => p.Track).ToArray(), plays.Select(p => p.Affinity).ToArray(),
            plays.Select(p => p.Streams).ToArray(), plays.Select(p => p.Skips).ToArray());
    }

    private readonly record struct Play(float Affinity, int Track, int Streams, int Skips);

    /// <summary>Affinity descending, then track ascending; a struct so that the sort inlines it.</summary>
    private readonly struct PlayOrder : IComparer<Play>
    {
        public int Compare(Play x, Play y) => x.Affinity != y.Affinity ? y.Affinity.CompareTo(x.Affinity) : x.Track.CompareTo(y.Track);
    }

    /// <summary>Reads the affinity files, mapping ids through the embeddings' indices (unknown ids are left out).</summary>
    public static async Task<ListeningHistory> ReadAsync(IReadOnlyList<string> files, IReadOnlyDictionary<string, int> userIndex,
        IReadOnlyDictionary<string, int> trackIndex, CancellationToken cancellationToken)
    {
        // Sized from the files' footers: at millions of rows, growing lists would copy and hold twice as much.
        var total = 0;
        foreach (var file in files) total = checked(total + (int)await Core.Tables.ParquetRows.CountRowsAsync(file, cancellationToken));
        var users = new int[total];
        var tracks = new int[total];
        var affinity = new float[total];
        var streams = new int[total];
        var skips = new int[total];
        var next = 0;
        foreach (var file in files)
        {
            await using var reader = await ParquetReader.CreateAsync(file, cancellationToken: cancellationToken);
            DataField Field(string name) => reader.Schema.DataFields.SingleOrDefault(f => f.Name == name)
                ?? throw new InvalidDataException($"{file} has no column '{name}'; is it user_track_affinity?");
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                var group = reader.OpenRowGroupReader(g);
                var rows = checked((int)group.RowCount);
                var userIds = new string?[rows];
                var trackIds = new string?[rows];
                await group.ReadAsync(Field("user_id"), userIds.AsMemory(), cancellationToken: cancellationToken);
                await group.ReadAsync(Field("track_id"), trackIds.AsMemory(), cancellationToken: cancellationToken);
                var values = await ParquetNumericColumns.ReadAsync<double>(group, Field("affinity"), cancellationToken);
                var streamValues = await ParquetNumericColumns.ReadAsync<long>(group, Field("streams"), cancellationToken);
                var skipValues = await ParquetNumericColumns.ReadAsync<long>(group, Field("skips"), cancellationToken);
                for (var i = 0; i < rows; i++, next++)
                {
                    users[next] = userIndex.TryGetValue(userIds[i]!, out var u) ? u : -1;
                    tracks[next] = trackIndex.TryGetValue(trackIds[i]!, out var t) ? t : -1;
                    affinity[next] = (float)values[i];
                    streams[next] = (int)streamValues[i];
                    skips[next] = (int)skipValues[i];
                }
            }
        }
        return Build(userIndex.Count, users, tracks, affinity, streams, skips);
    }
}
