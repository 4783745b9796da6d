using BatchJobs.Generation.Sampling;

namespace BatchJobs.Generation.World;

/// <summary>The fixed genre list and how common each genre is among artists and tastes.</summary>
internal static class Genres
{
    /// <summary>Genre names as written to the catalogue.</summary>
    public static readonly string[] Names =
    [
        "pop", "rock", "hip-hop", "rnb", "electronic", "dance", "indie", "alternative", "metal", "punk",
        "jazz", "blues", "classical", "country", "folk", "reggae", "latin", "k-pop", "soul", "ambient",
    ];

    /// <summary>Relative share of each genre, index-aligned with <see cref="Names"/>.</summary>
    public static readonly double[] Weights =
    [
        14, 10, 12, 6, 7, 6, 6, 5, 4, 2,
        3, 1.5, 3, 4, 3, 2, 7, 3, 2.5, 2,
    ];

    /// <summary>Samples a genre index by <see cref="Weights"/>.</summary>
    public static readonly AliasTable Table = AliasTable.Create(Weights);

    /// <summary>Number of genres.</summary>
    public static int Count => Names.Length;
}
