namespace BatchJobs.Jobs.Ingest;

/// <summary>
/// Accepted events of one slice of input, in input order, held as columns: no object per event, and the only
/// references are pooled strings, so millions of events cost the collector little.
/// </summary>
/// <remarks>Tracks are indexes into the day's <see cref="TrackCatalogue"/>, which also gives artist and duration.</remarks>
public sealed class EventBatch(int capacity)
{
    public string[] Users { get; private set; } = new string[Math.Max(16, capacity)];
    public int[] Tracks { get; private set; } = new int[Math.Max(16, capacity)];
    public long[] PlayedAtTicks { get; private set; } = new long[Math.Max(16, capacity)];
    public long[] MsPlayed { get; private set; } = new long[Math.Max(16, capacity)];
    public string[] Contexts { get; private set; } = new string[Math.Max(16, capacity)];
    public string[] Platforms { get; private set; } = new string[Math.Max(16, capacity)];
    public int Count { get; private set; }

    public void Add(string user, int track, DateTime playedAt, long msPlayed, string context, string platform)
    {
        if (Count == Users.Length) Grow();
        Users[Count] = user;
        Tracks[Count] = track;
        PlayedAtTicks[Count] = playedAt.Ticks;
        MsPlayed[Count] = msPlayed;
        Contexts[Count] = context;
        Platforms[Count] = platform;
        Count++;
    }

    /// <summary>Keeps only the rows whose flag is set, in order (duplicates are rare, so this is a cheap pass).</summary>
    public void Keep(ReadOnlySpan<bool> keep)
    {
        var next = 0;
        for (var i = 0; i < Count; i++)
        {
            if (!keep[i]) continue;
            if (next != i)
            {
                Users[next] = Users[i];
                Tracks[next] = Tracks[i];
                PlayedAtTicks[next] = PlayedAtTicks[i];
                MsPlayed[next] = MsPlayed[i];
                Contexts[next] = Contexts[i];
                Platforms[next] = Platforms[i];
            }
            next++;
        }
        Array.Clear(Users, next, Count - next);
        Array.Clear(Contexts, next, Count - next);
        Array.Clear(Platforms, next, Count - next);
        Count = next;
    }

    private void Grow()
    {
        var size = Users.Length * 2;
        Users = Resized(Users, size);
        Tracks = Resized(Tracks, size);
        PlayedAtTicks = Resized(PlayedAtTicks, size);
        MsPlayed = Resized(MsPlayed, size);
        Contexts = Resized(Contexts, size);
        Platforms = Resized(Platforms, size);
    }

    private static T[] Resized<T>(T[] array, int size)
    {
        Array.Resize(ref array, size);
        return array;
    }
}
