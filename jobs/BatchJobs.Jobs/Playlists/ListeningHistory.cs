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
}
