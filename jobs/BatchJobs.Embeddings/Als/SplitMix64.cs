namespace BatchJobs.Embeddings.Als;

/// <summary>
/// Steele, Lea and Flood's SplitMix64 generator: tiny, fast, and fully specified, so seeded factor
/// initialisation is the same on every platform and .NET version (unlike <see cref="Random"/>'s unspecified
/// algorithm).
/// </summary>
internal struct SplitMix64
{
    private ulong _state;

    /// <summary>Starts the sequence at <paramref name="seed"/>.</summary>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>A generator for one row of one stream, independent of how other rows are drawn (so rows can be
    /// initialised in parallel and in any order).</summary>
    public static SplitMix64 ForRow(ulong seed, ulong stream, int row) =>
        new(Mix(seed ^ Mix((stream << 32) ^ (ulong)row)));

    /// <summary>The next 64 random bits.</summary>
    public ulong Next() => Mix(_state += 0x9E3779B97F4A7C15UL);

    /// <summary>A uniform float in [0, 1) with 24 random bits.</summary>
    public float NextFloat() => (Next() >> 40) * (1f / (1 << 24));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
