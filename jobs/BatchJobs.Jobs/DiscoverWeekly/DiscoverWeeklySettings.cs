using BatchJobs.Jobs.Playlists;
using BatchJobs.Scoring.TopK;

namespace BatchJobs.Jobs.DiscoverWeekly;

/// <summary>The knobs of Discover Weekly, from the contract's parameters.</summary>
public sealed record DiscoverWeeklySettings
{
    /// <summary>Length, artist cap, MMR weight, popularity penalty, adjacent picks.</summary>
    public DiversityOptions Diversity { get; init; } = new();

    /// <summary>Best-scored unplayed tracks per user that re-ranking chooses from (default 300).</summary>
    public int CandidatePool { get; init; } = 300;

    /// <summary>Exact or cluster-pruned approximate candidate scoring.</summary>
    public TopKMode Mode { get; init; } = TopKMode.Exact;

    /// <summary>Users with fewer tracks of positive affinity get the popularity fallback (default 10).</summary>
    public int MinHistoryTracks { get; init; } = 10;

    /// <summary>A cluster is one of the user's taste clusters when it holds at least this share of the user's affinity.</summary>
    public double MinClusterShare { get; init; } = 0.05;

    /// <summary>The most taste clusters a user has (default 6).</summary>
    public int MaxUserClusters { get; init; } = 6;

    /// <summary>Clusters adjacent to the user's that add candidates: the nearest other cluster of each of the user's top ones (default 2).</summary>
    public int AdjacentClusters { get; init; } = 2;

    /// <summary>The largest artist-priority boost, whatever the file says (relevance is normalised to 1 for the best candidate).</summary>
    public float PriorityMaxBoost { get; init; } = 0.1f;

    /// <summary>A flagged track is boosted only when its normalised relevance is at least this: already relevant.</summary>
    public float PriorityMinRelevance { get; init; } = 0.5f;

    /// <summary>How many of the user's top artists the reason may name (the nearest to the track is named).</summary>
    public int ReasonArtists { get; init; } = 5;
}
