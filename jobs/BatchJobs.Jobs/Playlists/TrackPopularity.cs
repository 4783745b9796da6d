namespace BatchJobs.Jobs.Playlists;

/// <summary>How many users of the history window played each track, and the tracks ranked by it (no I/O).</summary>
public sealed class TrackPopularity
{
    /// <param name="listeners">Users who played each track, by track embedding row.</param>
    public TrackPopularity(int[] listeners)
    {
        Listeners = listeners;
        var trackCount = listeners.Length;
        MostPlayedFirst = Enumerable.Range(0, trackCount).OrderByDescending(t => listeners[t]).ThenBy(t => t).ToArray();
        Rank = new int[trackCount];
        Share = new float[trackCount];
        for (var r = 0; r < MostPlayedFirst.Length; r++)
        {
            Rank[MostPlayedFirst[r]] = r + 1;
            Share[MostPlayedFirst[r]] = MostPlayedFirst.Length == 1 ? 1 : 1 - r / (float)(MostPlayedFirst.Length - 1);
        }
    }

    /// <summary>Counts the listeners of each track in a whole history (one play per user and track).</summary>
    public TrackPopularity(ListeningHistory history, int trackCount) : this(CountListeners(history, trackCount))
    {
    }

    /// <summary>Users who played each track.</summary>
    public int[] Listeners { get; }

    /// <summary>Track rows, most listeners first (ties by row).</summary>
    public int[] MostPlayedFirst { get; }

    /// <summary>1 = the most played track.</summary>
    public int[] Rank { get; }

    /// <summary>1 = the most played track, 0 = the least, linear in rank.</summary>
    public float[] Share { get; }

    private static int[] CountListeners(ListeningHistory history, int trackCount)
    {
        var listeners = new int[trackCount];
        foreach (var track in history.AllTracks) listeners[track]++;
        return listeners;
    }
}
