namespace BatchJobs.Scoring.TopK;

/// <summary>What a top-k scorer returns and how it computes it.</summary>
public sealed record TopKOptions
{
    /// <summary>How many items to return per user (fewer when the catalogue, less exclusions, is smaller).</summary>
    public required int K { get; init; }

    /// <summary>Exact (default) or approximate candidate scoring.</summary>
    public TopKMode Mode { get; init; } = TopKMode.Exact;

    /// <summary>The most threads to use; -1 (default) uses every core.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Settings of the approximate mode; ignored by the exact mode.</summary>
    public ApproximateTopKOptions Approximate { get; init; } = new();
}
