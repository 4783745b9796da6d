using BatchJobs.Embeddings.Sparse;

namespace BatchJobs.Benchmarks.Als;

/// <summary>
/// A seeded power-law interaction matrix shaped like listening data: item popularity follows Zipf's law
/// (exponent 1) over a random permutation of item ids, user activity is log-normal (sigma 1), and each user's
/// items are distinct draws from the popularity distribution. Values are play counts 1 + Geometric(1/5).
/// </summary>
/// <remarks>
/// Built straight into CSR (no triple arrays), users in parallel, each from its own seeded stream, so the
/// matrix is the same for any thread count. A user holds at most a tenth of the catalogue (so drawing distinct
/// items by rejection stays cheap); the degrees are then nudged so they add up to exactly the requested count.
/// </remarks>
public static class SyntheticInteractions
{
    private const double ZipfExponent = 1.0;
    private const double ActivitySigma = 1.0;
    private const double MeanExtraPlays = 4.0;

    /// <summary>Generates a users x items matrix with exactly <paramref name="nonZeros"/> entries.</summary>
    /// <exception cref="ArgumentException">The shape cannot hold that many entries (every user gets at least one,
    /// at most a tenth of the items).</exception>
    public static CsrMatrix Generate(int users, int items, long nonZeros, ulong seed)
    {
        var maxDegree = Math.Max(1, items / 10);
        if (users < 1 || items < 1) throw new ArgumentException($"--synthetic needs at least one user and one item; got {users} users, {items} items.");
        if (nonZeros < users || nonZeros > (long)users * maxDegree || nonZeros > Array.MaxLength)
            throw new ArgumentException($"--synthetic {users},{items},{nonZeros}: the non-zero count must be between {users} (one per user) and {(long)users * maxDegree} (a tenth of the items per user).");

        var degrees = Degrees(users, maxDegree, (int)nonZeros, seed);
        var offsets = new int[users + 1];
        for (var u = 0; u < users; u++) offsets[u + 1] = offsets[u] + degrees[u];

        var cumulative = ZipfCumulative(items);
        var itemOfRank = RandomPermutation(items, seed);
        var indices = new int[nonZeros];
        var values = new float[nonZeros];
        Parallel.For(0, users, () => new int[items], (user, _, lastUser) =>
        {
            // lastUser[item] == user + 1 marks an item this user already holds; no clearing between users.
            var random = new Xoshiro(seed, (ulong)user + 1);
            var row = indices.AsSpan(offsets[user], degrees[user]);
            var rowValues = values.AsSpan(offsets[user], degrees[user]);
            for (var n = 0; n < row.Length; n++)
            {
                int item;
                do
                {
                    var rank = Array.BinarySearch(cumulative, random.NextDouble());
                    item = itemOfRank[rank < 0 ? Math.Min(~rank, items - 1) : rank];
                } while (lastUser[item] == user + 1);
                lastUser[item] = user + 1;
                row[n] = item;
                rowValues[n] = 1f + MathF.Floor((float)(-Math.Log(1.0 - random.NextDouble()) * MeanExtraPlays));
            }
            row.Sort(rowValues);
            return lastUser;
        }, _ => { });
        return new CsrMatrix(users, items, offsets, indices, values);
    }

    private static int[] Degrees(int users, int maxDegree, int nonZeros, ulong seed)
    {
        var random = new Xoshiro(seed, 0);
        var weights = new double[users];
        var sum = 0.0;
        for (var u = 0; u < users; u++)
        {
            weights[u] = Math.Exp(ActivitySigma * random.NextGaussian());
            sum += weights[u];
        }
        var degrees = new int[users];
        long total = 0;
        for (var u = 0; u < users; u++)
        {
            degrees[u] = (int)Math.Clamp(Math.Round(weights[u] / sum * nonZeros), 1, maxDegree);
            total += degrees[u];
        }
        // Rounding and clamping miss the target by a little; walk the users adding or removing one at a time.
        for (var u = 0; total != nonZeros; u = (u + 1) % users)
        {
            if (total < nonZeros && degrees[u] < maxDegree) { degrees[u]++; total++; }
            else if (total > nonZeros && degrees[u] > 1) { degrees[u]--; total--; }
        }
        return degrees;
    }

    private static double[] ZipfCumulative(int items)
    {
        var cumulative = new double[items];
        var sum = 0.0;
        for (var rank = 0; rank < items; rank++)
        {
            sum += Math.Pow(rank + 1, -ZipfExponent);
            cumulative[rank] = sum;
        }
        for (var rank = 0; rank < items; rank++) cumulative[rank] /= sum;
        return cumulative;
    }

    private static int[] RandomPermutation(int count, ulong seed)
    {
        // Popular items spread over the id range, as hashed or dictionary-mapped ids would be.
        var random = new Xoshiro(seed, ulong.MaxValue);
        var permutation = new int[count];
        for (var i = 0; i < count; i++) permutation[i] = i;
        for (var i = count - 1; i > 0; i--)
        {
            var j = (int)(random.NextDouble() * (i + 1));
            (permutation[i], permutation[j]) = (permutation[j], permutation[i]);
        }
        return permutation;
    }
}
