namespace BatchJobs.Generation.Sampling;

/// <summary>
/// xoshiro256** generator, seeded through SplitMix64 from (seed, stream, a, b). A value type so that a worker
/// can create one per user-day without allocating; it must be passed by <c>ref</c>, never copied, or draws repeat.
/// </summary>
internal struct Rng
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Creates the generator for one (seed, stream, a, b) key; equal keys give equal sequences.</summary>
    public static Rng Create(long seed, SeedStream stream, long a = 0, long b = 0)
    {
        ulong h = Mix((ulong)seed + 0x9E3779B97F4A7C15UL * (ulong)stream);
        h = Mix(h ^ ((ulong)a * 0xD1B54A32D192ED03UL + 0x8CB92BA72F3D8DD7UL));
        h = Mix(h ^ ((ulong)b * 0xABC98388FB8FAC03UL + 0x2545F4914F6CDD1DUL));
        var rng = new Rng();
        rng._s0 = SplitMix(ref h);
        rng._s1 = SplitMix(ref h);
        rng._s2 = SplitMix(ref h);
        rng._s3 = SplitMix(ref h);
        return rng;
    }

    /// <summary>Next 64 uniformly distributed bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform double in [0, 1) with 53 bits of precision.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n) for n &gt; 0 (Lemire's multiply-shift; bias below n / 2^32).</summary>
    public int NextInt(int n) => (int)(((NextUInt64() >> 32) * (ulong)n) >> 32);

    /// <summary>Uniform integer in [min, max).</summary>
    public int NextInt(int min, int max) => min + NextInt(max - min);

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Standard normal variate (Box–Muller; the second value is discarded to keep the struct small).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Exponential variate with the given mean.</summary>
    public double NextExponential(double mean) => -mean * Math.Log(1.0 - NextDouble());

    /// <summary>Poisson variate: Knuth's product method for small means, a rounded normal above 30.</summary>
    public int NextPoisson(double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean >= 30)
        {
            return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * NextGaussian()));
        }

        double limit = Math.Exp(-mean);
        double product = NextDouble();
        int k = 0;
        while (product > limit)
        {
            k++;
            product *= NextDouble();
        }

        return k;
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
