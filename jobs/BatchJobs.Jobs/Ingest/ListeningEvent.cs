namespace BatchJobs.Jobs.Ingest;

/// <summary>A validated listening event, enriched with its artist and stream/skip flags.</summary>
public readonly record struct ListeningEvent(
    string UserId, string TrackId, string ArtistId, DateTime PlayedAt, long MsPlayed, string Context, string Platform, bool IsStream, bool IsSkip);
