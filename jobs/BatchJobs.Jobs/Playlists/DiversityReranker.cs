using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace BatchJobs.Jobs.Playlists;

/// <summary>
/// Picks a playlist from scored candidates by maximal marginal relevance under caps: each step takes the eligible
/// candidate with the highest <c>λ·(relevance + boost) − (1 − λ)·(largest cosine to a pick so far) − penalty·popularity</c>.
/// </summary>
/// <remarks>
/// Eligible: not picked, its artist below <see cref="DiversityOptions.MaxPerArtist"/>, its cluster below its cap. When
/// no candidate is eligible under the cluster caps, a step ignores them (never the artist cap), so a narrow pool still
/// fills the playlist. When the remaining steps are only enough for the adjacent picks still owed, only adjacent
/// candidates are eligible. Only the first boosted pick gets its boost: after it, boosts count as zero. Ties go to the
/// lower candidate index, so the result is deterministic.
/// </remarks>
public static class DiversityReranker
{
    /// <summary>Writes the picked candidate indices, in playlist order, to <paramref name="picks"/>; returns how many
    /// (fewer than the length only when the candidates run out).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Select(RerankCandidates candidates, DiversityOptions options, Span<int> picks)
    {
        var n = candidates.Count;
        var length = Math.Min(options.Length, picks.Length);
        var factors = candidates.Factors;
        var maxSimilarity = candidates.MaxSimilarity.AsSpan(0, n);
        var picked = candidates.Picked.AsSpan(0, n);
        var artistPicks = candidates.ArtistPicks.AsSpan(0, n);
        var clusterPicks = candidates.ClusterPicks.AsSpan(0, n);
        maxSimilarity.Clear();
        picked.Clear();
        artistPicks.Clear();
        clusterPicks.Clear();
        var lambda = options.RelevanceWeight;
        var boostUsed = false;
        var adjacentPicked = 0;
        var count = 0;
        while (count < length)
        {
            var owed = options.MinAdjacent - adjacentPicked;
            var onlyAdjacent = owed > 0 && length - count <= owed && AnyEligibleAdjacent(candidates, options, artistPicks, picked);
            var best = Best(candidates, options, picked, artistPicks, clusterPicks, maxSimilarity, lambda, boostUsed, onlyAdjacent, respectClusterCaps: true);
            if (best < 0) best = Best(candidates, options, picked, artistPicks, clusterPicks, maxSimilarity, lambda, boostUsed, onlyAdjacent, respectClusterCaps: false);
            if (best < 0) break;
            picks[count++] = best;
            picked[best] = true;
            artistPicks[candidates.ArtistSlot[best]]++;
            clusterPicks[candidates.ClusterSlot[best]]++;
            if (candidates.Adjacent[best]) adjacentPicked++;
            if (candidates.Boost[best] > 0) boostUsed = true;
            var chosen = candidates.Vectors.AsSpan(best * factors, factors);
            for (var c = 0; c < n; c++)
            {
                if (picked[c]) continue;
                var similarity = TensorPrimitives.Dot(chosen, candidates.Vectors.AsSpan(c * factors, factors));
                if (similarity > maxSimilarity[c]) maxSimilarity[c] = similarity;
            }
        }
        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Best(RerankCandidates candidates, DiversityOptions options, ReadOnlySpan<bool> picked, ReadOnlySpan<int> artistPicks,
        ReadOnlySpan<int> clusterPicks, ReadOnlySpan<float> maxSimilarity, float lambda, bool boostUsed, bool onlyAdjacent, bool respectClusterCaps)
    {
        var best = -1;
        var bestValue = float.NegativeInfinity;
        for (var c = 0; c < candidates.Count; c++)
        {
            if (picked[c] || artistPicks[candidates.ArtistSlot[c]] >= options.MaxPerArtist) continue;
            if (onlyAdjacent && !candidates.Adjacent[c]) continue;
            var cluster = candidates.ClusterSlot[c];
            if (respectClusterCaps && clusterPicks[cluster] >= candidates.ClusterCaps[cluster]) continue;
            var boost = boostUsed ? 0 : candidates.Boost[c];
            var value = lambda * (candidates.Relevance[c] + boost) - (1 - lambda) * maxSimilarity[c] - options.PopularityPenalty * candidates.Popularity[c];
            if (value > bestValue)
            {
                bestValue = value;
                best = c;
            }
        }
        return best;
    }

    private static bool AnyEligibleAdjacent(RerankCandidates candidates, DiversityOptions options, ReadOnlySpan<int> artistPicks, ReadOnlySpan<bool> picked)
    {
        for (var c = 0; c < candidates.Count; c++)
            if (candidates.Adjacent[c] && !picked[c] && artistPicks[candidates.ArtistSlot[c]] < options.MaxPerArtist) return true;
        return false;
    }
}
