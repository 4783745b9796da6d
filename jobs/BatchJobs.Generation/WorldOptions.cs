using System.Globalization;

namespace BatchJobs.Generation;

/// <summary>What synthetic world to generate and where.</summary>
/// <remarks>
/// The same options (apart from <see cref="MaxDegreeOfParallelism"/>, which never changes the output) always
/// give byte-identical files. Expected good events per day are about
/// <c>Users × EventsPerUserDay</c>, a little lower while users who sign up inside the window are not yet active.
/// </remarks>
public sealed record WorldOptions
{
    /// <summary>Default for <see cref="EventsPerUserDay"/>.</summary>
    public const double DefaultEventsPerUserDay = 10;

    /// <summary>Default for <see cref="MaxRowsPerPart"/>.</summary>
    public const int DefaultMaxRowsPerPart = 5_000_000;

    /// <summary>Earliest first day accepted, so every generated timestamp is after the Unix epoch.</summary>
    public static readonly DateOnly EarliestStartDate = new(1980, 1, 1);

    /// <summary>Latest end date accepted.</summary>
    public static readonly DateOnly LatestEndDate = new(9000, 12, 31);

    /// <summary>Folder that receives <c>raw/</c> (created if missing).</summary>
    public required string Root { get; init; }

    /// <summary>Number of users (at least 1).</summary>
    public required int Users { get; init; }

    /// <summary>Number of tracks (at least <see cref="Artists"/>, so every artist has a track).</summary>
    public required int Tracks { get; init; }

    /// <summary>Number of artists (at least 1).</summary>
    public required int Artists { get; init; }

    /// <summary>Number of daily partitions, ending at <see cref="EndDate"/> (1 to 3660).</summary>
    public required int Days { get; init; }

    /// <summary>The last (newest) day generated.</summary>
    public required DateOnly EndDate { get; init; }

    /// <summary>Seed of every random choice.</summary>
    public required long Seed { get; init; }

    /// <summary>Format of the event files; default CSV. The catalogue and users are always CSV.</summary>
    public EventFileFormat Format { get; init; } = EventFileFormat.Csv;

    /// <summary>
    /// Fraction of event rows, 0 to 1, replaced by malformed rows; default 0. For Parquet only the kinds a typed
    /// file can hold are used (see <see cref="BadRowKind"/>).
    /// </summary>
    public double BadRowFraction { get; init; }

    /// <summary>Mean events per user per day over the whole population; default 10 (0 &lt; value &lt;= 1000).</summary>
    public double EventsPerUserDay { get; init; } = DefaultEventsPerUserDay;

    /// <summary>
    /// Target maximum rows per part file; a day expected to be larger is split into several parts by user range.
    /// Default 5,000,000, at least 1,000. A part may exceed it by the day's random variation.
    /// </summary>
    public int MaxRowsPerPart { get; init; } = DefaultMaxRowsPerPart;

    /// <summary>Files written at once; 0 (the default) means one per processor. Output does not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>The first (oldest) day generated.</summary>
    public DateOnly StartDate => EndDate.AddDays(-(Days - 1));

    /// <summary>
    /// Every problem with these options, each naming the option and what is accepted; empty when they are valid.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Root))
        {
            errors.Add("root: a folder path is required.");
        }

        if (Users < 1)
        {
            errors.Add($"users: must be at least 1; got {Users}.");
        }

        if (Artists < 1)
        {
            errors.Add($"artists: must be at least 1; got {Artists}.");
        }

        if (Tracks < 1)
        {
            errors.Add($"tracks: must be at least 1; got {Tracks}.");
        }
        else if (Artists >= 1 && Tracks < Artists)
        {
            errors.Add($"tracks: must be at least the number of artists ({Artists}) so every artist has a track; got {Tracks}.");
        }

        if (Days is < 1 or > 3660)
        {
            errors.Add($"days: must be between 1 and 3660; got {Days}.");
        }
        else if (EndDate > LatestEndDate || EndDate.DayNumber - (Days - 1) < EarliestStartDate.DayNumber)
        {
            errors.Add(
                $"end-date: the {Days} days ending {Iso(EndDate)} must lie between {Iso(EarliestStartDate)} and " +
                $"{Iso(LatestEndDate)}.");
        }

        if (!(BadRowFraction is >= 0 and <= 1))
        {
            errors.Add($"bad-rows: must be a fraction between 0 and 1 (for example 0.02); got {BadRowFraction.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (!(EventsPerUserDay is > 0 and <= 1000))
        {
            errors.Add($"events per user-day: must be above 0 and at most 1000; got {EventsPerUserDay.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (MaxRowsPerPart < 1000)
        {
            errors.Add($"rows per part: must be at least 1000; got {MaxRowsPerPart}.");
        }

        if (MaxDegreeOfParallelism < 0)
        {
            errors.Add($"parallelism: must be 0 (one per processor) or more; got {MaxDegreeOfParallelism}.");
        }

        if (!Enum.IsDefined(Format))
        {
            errors.Add($"format: must be csv or parquet; got {Format}.");
        }

        return errors;
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
