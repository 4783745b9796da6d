namespace BatchJobs.Jobs.Ingest;

/// <summary>The known tracks of the logical date: artist and duration by track id.</summary>
public sealed class TrackCatalogue(IReadOnlyDictionary<string, (string ArtistId, long DurationMs)> tracks)
{
    public int Count => tracks.Count;

    public bool TryGet(string trackId, out string artistId, out long durationMs)
    {
        if (tracks.TryGetValue(trackId, out var track))
        {
            (artistId, durationMs) = track;
            return true;
        }
        artistId = "";
        durationMs = 0;
        return false;
    }
}
