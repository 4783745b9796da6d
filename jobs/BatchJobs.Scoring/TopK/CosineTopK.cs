
namespace BatchJobs.Scoring.TopK;

/// <summary>
/// Item-to-item neighbours: for every item, the k other items with the highest cosine similarity.
/// </summary>
/// <remarks>
/// Rows are normalised to unit length once, then scored with the same blocked kernel as
/// <see cref="TopKScorer"/>, so the exact and approximate modes, threading and tie order are the same.
/// An item never lists itself. A row of zeros has cosine 0 with every item.
/// </remarks>
public static class CosineTopK
{
    /// <summary>The <see cref="TopKOptions.K"/> most similar other items of every item, most similar first.</summary>
    /// <exception cref="ArgumentException">A factor is not finite or an option is out of range.</exception>
    public static TopKResult Score(FactorMatrix items, TopKOptions options)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(options);
        var workers = TopKScorer.Validate(options);
        items.ThrowIfNotFinite(nameof(items));

        var normalised = items.Normalised();
        // The item itself is excluded inside the kernel rather than taking one of k + 1 slots, so k is capped
        // by the number of other items.
        var k = Math.Clamp(options.K, 1, Math.Max(items.Rows - 1, 1));
        return TopKScorer.Run(normalised, normalised, null, excludeSelf: true, options with { K = k }, workers);
    }
}
