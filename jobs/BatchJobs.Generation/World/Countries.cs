using BatchJobs.Generation.Sampling;

namespace BatchJobs.Generation.World;

/// <summary>Countries users come from, their share of users and a representative UTC offset.</summary>
internal static class Countries
{
    /// <summary>ISO 3166-1 alpha-2 codes as written to <c>users.csv</c>.</summary>
    public static readonly string[] Codes =
    [
        "US", "BR", "GB", "DE", "MX", "FR", "ES", "IT", "NL", "SE", "PL",
        "CA", "AU", "JP", "IN", "ID", "PH", "TR", "AR", "NG", "ZA", "KR",
    ];

    /// <summary>Relative share of users, index-aligned with <see cref="Codes"/>.</summary>
    public static readonly double[] Weights =
    [
        24, 8, 7, 6, 5, 4, 3, 3, 2, 2, 2,
        3, 3, 3, 4, 4, 3, 2, 2, 1, 1, 2,
    ];

    /// <summary>
    /// One offset per country (standard time, most populous zone): listening follows local clocks, so the UTC
    /// hour of a session depends on where the user lives.
    /// </summary>
    public static readonly int[] UtcOffsetMinutes =
    [
        -360, -180, 0, 60, -360, 60, 60, 60, 60, 60, 60,
        -300, 600, 540, 330, 420, 480, 180, -180, 60, 120, 540,
    ];

    /// <summary>Samples a country index by <see cref="Weights"/>.</summary>
    public static readonly AliasTable Table = AliasTable.Create(Weights);
}
