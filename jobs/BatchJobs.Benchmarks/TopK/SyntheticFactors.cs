using BatchJobs.Scoring.TopK;

namespace BatchJobs.Benchmarks.TopK;

/// <summary>
/// Seeded stand-ins for a trained model: item factors grouped around "genre" centres, as ALS factors of a
/// music catalogue are, users leaning towards one genre, and a random history per user to exclude.
/// </summary>
public static class SyntheticFactors
{
    /// <summary>Genres the item factors cluster around.</summary>
    public const int Genres = 256;

    /// <summary>Builds users x factors and items x factors matrices and <paramref name="exclude"/> items per user.</summary>
    public static (FactorMatrix Users, FactorMatrix Items, ExclusionLists Exclusions) Create(
        int users, int items, int factors, int exclude, int seed)
    {
        var random = new Random(seed);
        var centres = Gaussian(random, Genres * factors, 1f);
        var itemValues = Clustered(random, centres, items, factors, spread: 0.6f);
        var userValues = Clustered(random, centres, users, factors, spread: 1.0f);

        var perUser = Math.Min(exclude, items);
        var offsets = new int[users + 1];
        var excluded = new int[users * perUser];
        for (var user = 0; user < users; user++)
        {
            offsets[user + 1] = offsets[user] + perUser;
            var history = excluded.AsSpan(offsets[user], perUser);
            for (var i = 0; i < perUser; i++)
            {
                int item;
                do item = random.Next(items); while (history[..i].Contains(item));
                history[i] = item;
            }
        }
        return (new FactorMatrix(userValues, users, factors), new FactorMatrix(itemValues, items, factors),
            new ExclusionLists(offsets, excluded));
    }

    private static float[] Clustered(Random random, float[] centres, int rows, int factors, float spread)
    {
        var values = Gaussian(random, rows * factors, spread);
        for (var row = 0; row < rows; row++)
        {
            var genre = random.Next(Genres);
            for (var f = 0; f < factors; f++) values[row * factors + f] += centres[genre * factors + f];
        }
        return values;
    }

    /// <summary><paramref name="count"/> normal draws of mean 0 and the given deviation.</summary>
    internal static float[] Gaussian(Random random, int count, float deviation)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            // Box-Muller; 1 - NextDouble() avoids log(0).
            var radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
            values[i] = (float)(deviation * radius * Math.Cos(2 * Math.PI * random.NextDouble()));
        }
        return values;
    }
}
