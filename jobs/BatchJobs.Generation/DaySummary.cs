namespace BatchJobs.Generation;

/// <summary>What was written for one day's raw listening-event partition.</summary>
public sealed record DaySummary
{
    /// <summary>The partition's UTC day.</summary>
    public required DateOnly Date { get; init; }

    /// <summary>Absolute paths of the part files, in part order.</summary>
    public required IReadOnlyList<string> Files { get; init; }

    /// <summary>Data rows written (header lines excluded): <c>GoodEvents + Duplicates + BadRows</c>.</summary>
    public long Rows => GoodEvents + Duplicates + BadRows;

    /// <summary>Distinct well-formed events.</summary>
    public required long GoodEvents { get; init; }

    /// <summary>Exact re-sends of good events (the second and later copies only).</summary>
    public required long Duplicates { get; init; }

    /// <summary>Malformed rows of all kinds.</summary>
    public long BadRows => BadRowsByKind.Values.Sum();

    /// <summary>Malformed rows per kind; every kind possible for the format is listed, zero counts included.</summary>
    public required IReadOnlyDictionary<BadRowKind, long> BadRowsByKind { get; init; }
}
