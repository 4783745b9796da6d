using System.Numerics.Tensors;
using BatchJobs.Jobs.Playlists;

namespace BatchJobs.Jobs.Tests.Playlists;

/// <summary>
/// <see cref="DiversityReranker"/> (lazy: it compares a candidate with new picks only when it could be the best) against
/// the plain greedy rule it must reproduce exactly: every step scores every eligible candidate against every pick.
/// </summary>
public class DiversityRerankerOracleTests
{
    [Test]
    public void Picks_exactly_what_scoring_every_candidate_at_every_step_picks([Range(0, 59)] int seed)
    {
        var random = new Random(seed);
        var n = random.Next(1, 120);
        const int factors = 4;
        var candidates = new RerankCandidates(factors);
        candidates.Reset(n);
        var clusterSlots = random.Next(1, 5);
        // Odd seeds add candidates as rows of a matrix read in place (rows in shuffled order), even seeds as copies.
        var matrix = new float[n * factors];
        var rows = Enumerable.Range(0, n).OrderBy(_ => random.Next()).ToArray();
        for (var c = 0; c < n; c++)
        {
            // Coarse values, so that scores and similarities tie often and the tie rule matters.
            var vector = matrix.AsSpan(rows[c] * factors, factors);
            for (var f = 0; f < factors; f++) vector[f] = random.Next(-2, 3);
            var norm = TensorPrimitives.Norm(vector);
            if (norm > 0) TensorPrimitives.Divide(vector, norm, vector);
            var (relevance, boost, popularity) = (random.Next(0, 5) / 4f, random.NextDouble() < 0.05 ? 0.1f : 0, random.Next(0, 3) / 2f);
            var (artist, cluster, adjacent) = (random.Next(0, Math.Max(1, n / 3)), random.Next(clusterSlots), random.NextDouble() < 0.2);
            if (seed % 2 == 1) candidates.Add(relevance, boost, popularity, artist, cluster, adjacent, matrix, rows[c]);
            else candidates.Add(relevance, boost, popularity, artist, cluster, adjacent, vector);
        }
        for (var slot = 0; slot < clusterSlots; slot++) candidates.ClusterCaps[slot] = random.Next(1, 12);
        var options = new DiversityOptions
        {
            Length = random.Next(1, 31),
            MaxPerArtist = random.Next(1, 3),
            RelevanceWeight = random.Next(0, 5) / 4f,
            PopularityPenalty = random.Next(0, 3) * 0.05f,
            MinAdjacent = random.Next(0, 3),
        };

        var picks = new int[options.Length];
        var count = DiversityReranker.Select(candidates, options, picks);

        Assert.That(picks[..count], Is.EqualTo(Greedy(candidates, options)));
    }

    /// <summary>The rule written out: each step scores every eligible candidate against all picks so far.</summary>
    private static int[] Greedy(RerankCandidates candidates, DiversityOptions options)
    {
        var n = candidates.Count;
        var picks = new List<int>();
        var artistPicks = new int[n];
        var clusterPicks = new int[n];
        var boostUsed = false;
        var adjacentPicked = 0;
        bool Eligible(int c, bool onlyAdjacent, bool respectCaps) =>
            !picks.Contains(c) && artistPicks[candidates.ArtistSlot[c]] < options.MaxPerArtist && (!onlyAdjacent || candidates.Adjacent[c])
            && (!respectCaps || clusterPicks[candidates.ClusterSlot[c]] < candidates.ClusterCaps[candidates.ClusterSlot[c]]);
        float Value(int c)
        {
            var similarity = 0f;
            foreach (var p in picks)
            {
                var dot = TensorPrimitives.Dot(candidates.VectorOf(p), candidates.VectorOf(c));
                if (dot > similarity) similarity = dot;
            }
            var boost = boostUsed ? 0 : candidates.Boost[c];
            var lambda = options.RelevanceWeight;
            return lambda * (candidates.Relevance[c] + boost) - (1 - lambda) * similarity - options.PopularityPenalty * candidates.Popularity[c];
        }
        int Best(bool onlyAdjacent, bool respectCaps)
        {
            var best = -1;
            var bestValue = float.NegativeInfinity;
            for (var c = 0; c < n; c++)
            {
                if (!Eligible(c, onlyAdjacent, respectCaps)) continue;
                var value = Value(c);
                if (best < 0 || value > bestValue) (best, bestValue) = (c, value);
            }
            return best;
        }
        while (picks.Count < options.Length)
        {
            var owed = options.MinAdjacent - adjacentPicked;
            var onlyAdjacent = owed > 0 && options.Length - picks.Count <= owed && Enumerable.Range(0, n).Any(c => Eligible(c, true, false));
            var best = Best(onlyAdjacent, true);
            if (best < 0) best = Best(onlyAdjacent, false);
            if (best < 0) break;
            picks.Add(best);
            artistPicks[candidates.ArtistSlot[best]]++;
            clusterPicks[candidates.ClusterSlot[best]]++;
            if (candidates.Adjacent[best]) adjacentPicked++;
            if (candidates.Boost[best] > 0) boostUsed = true;
        }
        return picks.ToArray();
    }
}
