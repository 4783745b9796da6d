namespace BatchJobs.Generation;

/// <summary>What <see cref="WorldGenerator.GenerateAsync"/> wrote.</summary>
public sealed record WorldSummary
{
    /// <summary>Absolute path of the root folder.</summary>
    public required string Root { get; init; }

    /// <summary>Format of the event partitions.</summary>
    public required EventFileFormat Format { get; init; }

    /// <summary>Users in <c>users.csv</c>.</summary>
    public required int Users { get; init; }

    /// <summary>Tracks in <c>tracks.csv</c>.</summary>
    public required int Tracks { get; init; }

    /// <summary>Artists in <c>artists.csv</c>.</summary>
    public required int Artists { get; init; }

    /// <summary>Distinct albums referenced by <c>tracks.csv</c>.</summary>
    public required int Albums { get; init; }

    /// <summary>Tracks whose release date falls inside the generated days (they can be played only from then on).</summary>
    public required int TracksReleasedInWindow { get; init; }

    /// <summary>Absolute paths of <c>tracks.csv</c>, <c>artists.csv</c> and <c>users.csv</c>.</summary>
    public required IReadOnlyList<string> CatalogueFiles { get; init; }

    /// <summary>One entry per generated day, oldest first.</summary>
    public required IReadOnlyList<DaySummary> Days { get; init; }

    /// <summary>Event data rows over all days.</summary>
    public long Rows => Days.Sum(d => d.Rows);

    /// <summary>Distinct well-formed events over all days.</summary>
    public long GoodEvents => Days.Sum(d => d.GoodEvents);

    /// <summary>Duplicate re-sends over all days.</summary>
    public long Duplicates => Days.Sum(d => d.Duplicates);

    /// <summary>Malformed rows over all days.</summary>
    public long BadRows => Days.Sum(d => d.BadRows);

    /// <summary>Malformed rows per kind over all days.</summary>
    public IReadOnlyDictionary<BadRowKind, long> BadRowsByKind =>
        Days.SelectMany(d => d.BadRowsByKind)
            .GroupBy(kv => kv.Key)
            .OrderBy(g => g.Key)
            .ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value));

    /// <summary>Every file written: catalogue files then event parts.</summary>
    public IEnumerable<string> FilesWritten => CatalogueFiles.Concat(Days.SelectMany(d => d.Files));
}
