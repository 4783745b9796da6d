namespace BatchJobs.Jobs.DailyMix;

/// <summary>The arithmetic of one Daily Mix (no I/O): how many favourites and new tracks, and where the new ones go.</summary>
public static class MixAssembly
{
    /// <summary>Whether a track is one the user keeps skipping: at least <paramref name="minSkips"/> skips, and more
    /// skips than streams.</summary>
    public static bool KeepsSkipping(int streams, int skips, int minSkips) => skips >= minSkips && skips > streams;

    /// <summary>
    /// How many favourites and new tracks a mix takes given what is available: favourites up to
    /// <c>floor(max x (1 − share))</c>, then new tracks for the share (<c>ceil(favourites x share / (1 − share))</c>), more
    /// when needed to reach the minimum length, never past the maximum. Returns (0, 0) when the mix cannot reach the
    /// minimum length, or only with more than the maximum share of new tracks — unless
    /// <paramref name="mayExceedNewShare"/>, for the one mix of a user with fewer favourites than
    /// <see cref="FavouritesNeeded"/>, which is then mostly (or, without favourites, all) new.
    /// </summary>
    public static (int Favourites, int Fresh) Sizes(int favouritesAvailable, int freshAvailable, DailyMixOptions options, bool mayExceedNewShare = false)
    {
        var favourites = Math.Min(favouritesAvailable, (int)Math.Floor(options.MaxLength * (1 - options.NewShare)));
        var fresh = (int)Math.Ceiling(favourites * options.NewShare / (1 - options.NewShare) - 1e-9);
        fresh = Math.Max(fresh, options.MinLength - favourites);
        fresh = Math.Min(Math.Min(fresh, options.MaxLength - favourites), freshAvailable);
        var total = favourites + fresh;
        var withinShare = mayExceedNewShare || (favourites > 0 && fresh <= options.MaxNewShare * total);
        return total >= options.MinLength && withinShare ? (favourites, fresh) : (0, 0);
    }

    /// <summary>The fewest favourites a mix of the minimum length needs to stay within the maximum share of new tracks:
    /// <c>ceil(min_length x (1 − max_new_share))</c>, 10 by default.</summary>
    public static int FavouritesNeeded(DailyMixOptions options) => (int)Math.Ceiling(options.MinLength * (1 - options.MaxNewShare) - 1e-9);

    /// <summary>
    /// Spreads <paramref name="fresh"/> new tracks evenly among <paramref name="favourites"/> favourites: position p
    /// (0-based) is new when <c>floor((p + 1) x fresh / total)</c> steps up, so a mix opens with a favourite whenever it
    /// has one and new tracks never bunch up.
    /// </summary>
    /// <param name="favourites">Favourites in the mix.</param>
    /// <param name="fresh">New tracks in the mix.</param>
    /// <param name="isNew">Receives one flag per position; at least favourites + fresh long.</param>
    public static void Interleave(int favourites, int fresh, Span<bool> isNew)
    {
        var total = favourites + fresh;
        if (isNew.Length < total) throw new ArgumentException($"{isNew.Length} flags for {total} positions", nameof(isNew));
        for (var p = 0; p < total; p++)
            isNew[p] = (long)(p + 1) * fresh / total > (long)p * fresh / total;
    }

    /// <summary>"A", "A and B" or "A, B and C": a mix's name from its leading artists (at most three).</summary>
    public static string Name(IReadOnlyList<string> leadingArtists) => leadingArtists.Count switch
    {
        0 => "Daily Mix",
        1 => leadingArtists[0],
        2 => $"{leadingArtists[0]} and {leadingArtists[1]}",
        _ => $"{leadingArtists[0]}, {leadingArtists[1]} and {leadingArtists[2]}",
    };
}
