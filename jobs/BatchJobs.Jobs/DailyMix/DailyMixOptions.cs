namespace BatchJobs.Jobs.DailyMix;

/// <summary>How Daily Mixes are cut from a user's listening.</summary>
/// <remarks>Defaults: up to 6 mixes of 25–50 tracks, a quarter of them new and never more than 60% (except the one mix
/// of a user with fewer than 10 favourites in all), a mix per cluster holding at least 5% of the user's favourite
/// affinity and 12 favourites (the user's top cluster always makes one, borrowing favourites of its nearest clusters
/// when it has fewer than 10), and a track counts as kept skipping at 2 skips or more when it has more skips than
/// streams.</remarks>
public sealed record DailyMixOptions
{
    public int MaxMixes { get; init; } = 6;
    public int MinLength { get; init; } = 25;
    public int MaxLength { get; init; } = 50;

    /// <summary>The share of new tracks a full mix aims at (about 1 in 4).</summary>
    public double NewShare { get; init; } = 0.25;

    /// <summary>The largest share of new tracks a mix may have: a cluster with too few favourites to keep below it
    /// (fewer than <c>min_length x (1 − max_new_share)</c>) makes no mix, except the user's top cluster, which borrows
    /// favourites of its nearest clusters, and exceeds the share only when the user has too few favourites in all.</summary>
    public double MaxNewShare { get; init; } = 0.6;

    /// <summary>Favourites (not already in a mix) a cluster needs for a mix of its own, except the user's top cluster.</summary>
    public int MinFavourites { get; init; } = 12;

    /// <summary>The share of the user's favourite affinity a cluster needs for a mix, except the top cluster.</summary>
    public double MinClusterShare { get; init; } = 0.05;

    /// <summary>Skips from which a track with more skips than streams is left out of the favourites.</summary>
    public int MinSkips { get; init; } = 2;

    /// <summary>Throws when an option is out of range, naming the contract parameter.</summary>
    public void Validate()
    {
        if (MaxMixes < 1) throw new ArgumentException($"max mixes {MaxMixes} must be at least 1 (parameter max_mixes)");
        if (MinLength < 1 || MaxLength < MinLength) throw new ArgumentException($"mix length {MinLength}..{MaxLength} must satisfy 1 <= min <= max (parameters min_length, max_length)");
        if (NewShare is < 0 or >= 1) throw new ArgumentException($"new share {NewShare} must be within 0..1 (parameter new_share)");
        if (MaxNewShare < NewShare || MaxNewShare >= 1) throw new ArgumentException($"max new share {MaxNewShare} must be within new_share..1 (parameter max_new_share)");
        if (MinFavourites < 1) throw new ArgumentException($"min favourites {MinFavourites} must be at least 1 (parameter min_favourites)");
        if (MinSkips < 1) throw new ArgumentException($"min skips {MinSkips} must be at least 1 (parameter min_skips)");
    }
}
