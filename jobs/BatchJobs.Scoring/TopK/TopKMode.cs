namespace BatchJobs.Scoring.TopK;

/// <summary>How a top-k scorer finds each user's best items.</summary>
public enum TopKMode
{
    /// <summary>Score every item: the true top k.</summary>
    Exact,

    /// <summary>
    /// Score the user against item cluster centroids, then only the items of the best clusters: much less
    /// work on large catalogues, at the price of sometimes missing an item that the exact mode would return.
    /// </summary>
    Approximate,
}
