namespace BatchJobs.Jobs.Playlists;

/// <summary>How <see cref="DiversityReranker"/> trades relevance for diversity and novelty.</summary>
/// <remarks>Defaults: 30 tracks, 2 per artist, relevance weight 0.8 against similarity to what is already picked,
/// popularity penalty 0.05 (mild), at least 1 track from an adjacent cluster when one is a candidate.</remarks>
public sealed record DiversityOptions
{
    /// <summary>Tracks to pick.</summary>
    public int Length { get; init; } = 30;

    /// <summary>The most tracks of one artist.</summary>
    public int MaxPerArtist { get; init; } = 2;

    /// <summary>λ of maximal marginal relevance: value = λ·relevance − (1 − λ)·max similarity to the picks so far.</summary>
    public float RelevanceWeight { get; init; } = 0.8f;

    /// <summary>Subtracted times the candidate's popularity (0 = least, 1 = most popular).</summary>
    public float PopularityPenalty { get; init; } = 0.05f;

    /// <summary>Picks that must come from adjacent clusters when any adjacent candidate is eligible.</summary>
    public int MinAdjacent { get; init; } = 1;

    /// <summary>Throws when an option is out of range, naming the contract parameter.</summary>
    public void Validate()
    {
        if (Length < 1) throw new ArgumentException($"playlist length {Length} must be at least 1 (parameter length)");
        if (MaxPerArtist < 1) throw new ArgumentException($"max per artist {MaxPerArtist} must be at least 1 (parameter max_per_artist)");
        if (RelevanceWeight is < 0 or > 1) throw new ArgumentException($"relevance weight {RelevanceWeight} must be within 0..1 (parameter relevance_weight)");
        if (PopularityPenalty < 0) throw new ArgumentException($"popularity penalty {PopularityPenalty} must not be negative (parameter popularity_penalty)");
        if (MinAdjacent < 0 || MinAdjacent > Length) throw new ArgumentException($"min adjacent {MinAdjacent} must be within 0..length (parameter min_adjacent)");
    }
}
