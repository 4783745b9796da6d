using BatchJobs.Scoring.TopK;

namespace BatchJobs.Scoring.Tests.TopK;

/// <summary>Seeded factor matrices and exclusion lists for tests.</summary>
internal static class TestFactors
{
    public static FactorMatrix Gaussian(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var values = new float[rows * columns];
        for (var i = 0; i < values.Length; i++) values[i] = NextGaussian(random);
        return new FactorMatrix(values, rows, columns);
    }

    /// <summary>Small integers, so that many scores tie exactly.</summary>
    public static FactorMatrix SmallIntegers(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var values = new float[rows * columns];
        for (var i = 0; i < values.Length; i++) values[i] = random.Next(-1, 2);
        return new FactorMatrix(values, rows, columns);
    }

    /// <summary>Rows scattered around <paramref name="centres"/> random centres.</summary>
    public static FactorMatrix Clustered(int rows, int columns, int centres, float spread, int seed)
    {
        var random = new Random(seed);
        var centre = new float[centres * columns];
        for (var i = 0; i < centre.Length; i++) centre[i] = NextGaussian(random);
        var values = new float[rows * columns];
        for (var row = 0; row < rows; row++)
        {
            var c = random.Next(centres);
            for (var f = 0; f < columns; f++) values[row * columns + f] = centre[c * columns + f] + spread * NextGaussian(random);
        }
        return new FactorMatrix(values, rows, columns);
    }

    /// <summary>Up to <paramref name="perUser"/> random items per user, unsorted and with repeats.</summary>
    public static ExclusionLists RandomExclusions(int users, int items, int perUser, int seed)
    {
        var random = new Random(seed);
        var offsets = new int[users + 1];
        var excluded = new List<int>();
        for (var user = 0; user < users; user++)
        {
            var count = random.Next(perUser + 1);
            for (var i = 0; i < count; i++) excluded.Add(random.Next(items));
            offsets[user + 1] = excluded.Count;
        }
        return new ExclusionLists(offsets, excluded.ToArray());
    }

    private static float NextGaussian(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
}
