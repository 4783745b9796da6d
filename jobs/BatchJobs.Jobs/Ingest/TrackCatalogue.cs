namespace BatchJobs.Jobs.Ingest;

/// <summary>The known tracks of the logical date, by position: id, artist and duration, and the position of an id.</summary>
public sealed class TrackCatalogue
{
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> positions;

    public TrackCatalogue(string[] trackIds, string[] artistIds, long[] durationsMs)
    {
        TrackIds = trackIds;
        ArtistIds = artistIds;
        DurationsMs = durationsMs;
        var byId = new Dictionary<string, int>(trackIds.Length, StringComparer.Ordinal);
        for (var i = 0; i < trackIds.Length; i++) byId[trackIds[i]] = i;
        positions = byId.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string[] TrackIds { get; }
    public string[] ArtistIds { get; }
    public long[] DurationsMs { get; }
    public int Count => TrackIds.Length;

    /// <summary>Safe to call from many threads at once (the table is only read).</summary>
    public bool TryGetPosition(ReadOnlySpan<char> trackId, out int position) => positions.TryGetValue(trackId, out position);
}
