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
    /// <remarks>
    /// Lazy greedy: a candidate's value only falls as picks are added (its largest similarity only grows, a used boost only
    /// goes away), so a value computed earlier bounds it from above. Candidates wait in a heap by that bound; a step
    /// updates only the candidate on top until the top one is up to date, which is then the best — the same pick as
    /// scoring every candidate against every new pick, with a fraction of the dot products.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Select(RerankCandidates candidates, DiversityOptions options, Span<int> picks)
    {
        var n = candidates.Count;
        var length = Math.Min(options.Length, picks.Length);
        var state = new State(candidates, options, picks);
        for (var c = 0; c < n; c++) candidates.Bound[c] = state.Value(c);
        var open = new Heap(candidates.OpenHeap, candidates.Bound);
        var capped = new Heap(candidates.CappedHeap, candidates.Bound);
        open.Fill(n);
        var adjacentPicked = 0;
        while (state.Count < length)
        {
            var owed = options.MinAdjacent - adjacentPicked;
            var onlyAdjacent = owed > 0 && length - state.Count <= owed && AnyEligibleAdjacent(candidates, options, candidates.ArtistPicks, candidates.Picked);
            var best = onlyAdjacent ? state.BestAdjacent() : state.Best(ref open, ref capped);
            if (best < 0) break;
            picks[state.Count++] = best;
            candidates.Picked[best] = true;
            candidates.ArtistPicks[candidates.ArtistSlot[best]]++;
            candidates.ClusterPicks[candidates.ClusterSlot[best]]++;
            if (candidates.Adjacent[best]) adjacentPicked++;
            if (candidates.Boost[best] > 0) state.BoostUsed = true;
        }
        return state.Count;
    }

    private static bool AnyEligibleAdjacent(RerankCandidates candidates, DiversityOptions options, ReadOnlySpan<int> artistPicks, ReadOnlySpan<bool> picked)
    {
        for (var c = 0; c < candidates.Count; c++)
            if (candidates.Adjacent[c] && !picked[c] && artistPicks[candidates.ArtistSlot[c]] < options.MaxPerArtist) return true;
        return false;
    }

    /// <summary>The picks so far and each candidate's largest similarity to those it has been compared with.</summary>
    private ref struct State
    {
        private readonly RerankCandidates candidates;
        private readonly DiversityOptions options;
        private readonly Span<int> picks;
        private readonly float lambda;

        public State(RerankCandidates candidates, DiversityOptions options, Span<int> picks)
        {
            this.candidates = candidates;
            this.options = options;
            this.picks = picks;
            lambda = options.RelevanceWeight;
            var n = candidates.Count;
            candidates.MaxSimilarity.AsSpan(0, n).Clear();
            candidates.Compared.AsSpan(0, n).Clear();
            candidates.Picked.AsSpan(0, n).Clear();
            candidates.ArtistPicks.AsSpan(0, n).Clear();
            candidates.ClusterPicks.AsSpan(0, n).Clear();
        }

        public int Count;

        /// <summary>Whether a boosted candidate has been picked: boosts then count as zero.</summary>
        public bool BoostUsed;

        /// <summary>The candidate's marginal relevance against the picks it has been compared with.</summary>
        public readonly float Value(int c)
        {
            var boost = BoostUsed ? 0 : candidates.Boost[c];
            return lambda * (candidates.Relevance[c] + boost) - (1 - lambda) * candidates.MaxSimilarity[c] - options.PopularityPenalty * candidates.Popularity[c];
        }

        /// <summary>Compares the candidate with the picks it has not seen yet and returns its value.</summary>
        public readonly float Update(int c)
        {
            var vector = candidates.VectorOf(c);
            for (var p = candidates.Compared[c]; p < Count; p++)
            {
                var similarity = TensorPrimitives.Dot(candidates.VectorOf(picks[p]), vector);
                if (similarity > candidates.MaxSimilarity[c]) candidates.MaxSimilarity[c] = similarity;
            }
            candidates.Compared[c] = Count;
            return Value(c);
        }

        /// <summary>
        /// The best eligible candidate under the cluster caps, or, when none is left, ignoring them (never the artist
        /// cap); -1 when there is none at all.
        /// </summary>
        public readonly int Best(ref Heap open, ref Heap capped)
        {
            // Candidates whose cluster is at its cap stay there (caps only fill up): they move to the second heap, which
            // is only searched once the first is empty.
            while (open.Count > 0)
            {
                var c = open.Top;
                if (candidates.Picked[c] || ArtistFull(c)) open.Pop();
                else if (candidates.ClusterPicks[candidates.ClusterSlot[c]] >= candidates.ClusterCaps[candidates.ClusterSlot[c]]) capped.Push(open.Pop());
                else if (Settle(ref open, c)) return open.Pop();
            }
            while (capped.Count > 0)
            {
                var c = capped.Top;
                if (candidates.Picked[c] || ArtistFull(c)) capped.Pop();
                else if (Settle(ref capped, c)) return capped.Pop();
            }
            return -1;
        }

        /// <summary>
        /// Brings the heap's top candidate up to date: true when its value still equals its bound, so it beats every other
        /// bound; otherwise lowers its bound and restores the heap.
        /// </summary>
        private readonly bool Settle(ref Heap heap, int c)
        {
            var value = Update(c);
            if (value == candidates.Bound[c]) return true;
            candidates.Bound[c] = value;
            heap.SinkTop();
            return false;
        }

        /// <summary>The best eligible adjacent candidate (under the cluster caps, else ignoring them), every one brought up to date.</summary>
        public readonly int BestAdjacent()
        {
            var values = candidates.Scratch;
            for (var c = 0; c < candidates.Count; c++)
                if (candidates.Adjacent[c] && !candidates.Picked[c] && !ArtistFull(c)) values[c] = Update(c);
            var best = BestAdjacent(values, respectClusterCaps: true);
            return best >= 0 ? best : BestAdjacent(values, respectClusterCaps: false);
        }

        private readonly int BestAdjacent(ReadOnlySpan<float> values, bool respectClusterCaps)
        {
            var best = -1;
            for (var c = 0; c < candidates.Count; c++)
            {
                if (!candidates.Adjacent[c] || candidates.Picked[c] || ArtistFull(c)) continue;
                var cluster = candidates.ClusterSlot[c];
                if (respectClusterCaps && candidates.ClusterPicks[cluster] >= candidates.ClusterCaps[cluster]) continue;
                if (best < 0 || values[c] > values[best]) best = c;
            }
            return best;
        }

        private readonly bool ArtistFull(int c) => candidates.ArtistPicks[candidates.ArtistSlot[c]] >= options.MaxPerArtist;
    }

    /// <summary>A binary max-heap of candidate indices by bound, ties to the lower index (the order picks are made in).</summary>
    private ref struct Heap(int[] items, float[] bound)
    {
        private readonly int[] items = items;
        private readonly float[] bound = bound;

        public int Count;

        public readonly int Top => items[0];

        /// <summary>Holds candidates 0..<paramref name="n"/>-1.</summary>
        public void Fill(int n)
        {
            for (var i = 0; i < n; i++) items[i] = i;
            Count = n;
            for (var i = n / 2 - 1; i >= 0; i--) Sink(i);
        }

        public void Push(int c)
        {
            var i = Count++;
            while (i > 0 && Above(c, items[(i - 1) / 2]))
            {
                items[i] = items[(i - 1) / 2];
                i = (i - 1) / 2;
            }
            items[i] = c;
        }

        public int Pop()
        {
            var top = items[0];
            items[0] = items[--Count];
            Sink(0);
            return top;
        }

        /// <summary>Restores the heap after the top's bound fell.</summary>
        public readonly void SinkTop() => Sink(0);

        private readonly void Sink(int i)
        {
            var c = items[i];
            while (true)
            {
                var child = 2 * i + 1;
                if (child >= Count) break;
                if (child + 1 < Count && Above(items[child + 1], items[child])) child++;
                if (!Above(items[child], c)) break;
                items[i] = items[child];
                i = child;
            }
            items[i] = c;
        }

        private readonly bool Above(int a, int b) => bound[a] > bound[b] || (bound[a] == bound[b] && a < b);
    }
}
