using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using BatchJobs.Jobs.Clustering;
using BatchJobs.Jobs.Playlists;
using BatchJobs.Jobs.Similarity;
using BatchJobs.Scoring.TopK;

namespace BatchJobs.Jobs.DiscoverWeekly;

/// <summary>
/// Builds every user's Discover Weekly from the model, the history and the taste clusters (no I/O):
/// <list type="number">
/// <item>candidates: the user's best-scored tracks never played in the history window (blocked top-k with the history
/// as exclusions), plus the best unplayed tracks of the clusters adjacent to the user's taste clusters;</item>
/// <item>re-ranking by <see cref="DiversityReranker"/>: artist cap, a cap per cluster proportional to the user's
/// affinity in it, at least one adjacent pick, a mild popularity penalty, at most one artist-priority boost;</item>
/// <item>each pick's reason names the nearest (cosine) of the user's top artists.</item>
/// </list>
/// Users with too little history get popular unplayed tracks of their few clusters instead (round-robin over the
/// clusters, then the most popular tracks overall), and their rows say so.
/// </summary>
/// <remarks>Users run in parallel with per-worker scratch. Each user's rows depend only on its own vector and history
/// and the catalogue (popularity included, counted over the whole history), so they depend neither on the thread count
/// nor on which other users the builder holds.</remarks>
public sealed class DiscoverWeeklyBuilder
{
    private const string CatalogueFallbackReason = "popular in the catalogue while we learn your taste";

    private readonly EmbeddingTable users;
    private readonly EmbeddingTable tracks;
    private readonly ListeningHistory history;
    private readonly TasteClusterTable clusters;
    private readonly DiscoverWeeklyCatalogue catalogue;
    private readonly TrackPopularity popularity;
    private readonly ClusterTrackVectors clusterVectors;
    private readonly DiscoverWeeklySettings settings;

    /// <param name="users">User vectors; the history is in their row order.</param>
    /// <param name="history">The played tracks of each user.</param>
    /// <param name="catalogue">Tracks, artists, clusters, popularity over the whole history and priority boosts.</param>
    /// <param name="settings">Knobs.</param>
    public DiscoverWeeklyBuilder(EmbeddingTable users, ListeningHistory history, DiscoverWeeklyCatalogue catalogue, DiscoverWeeklySettings settings)
    {
        settings.Diversity.Validate();
        if (users.Factors != catalogue.Playlist.Tracks.Factors)
            throw new ArgumentException($"user and track vectors must come from one model (factors {users.Factors}, {catalogue.Playlist.Tracks.Factors})");
        this.users = users;
        this.history = history;
        this.catalogue = catalogue;
        this.settings = settings;
        tracks = catalogue.Playlist.Tracks;
        clusters = catalogue.Playlist.Clusters;
        popularity = catalogue.Playlist.Listeners;
        clusterVectors = catalogue.Playlist.ClusterVectors;
    }

    /// <summary>The display name of an artist row.</summary>
    private string ArtistName(int artist) => catalogue.Playlist.ArtistName(catalogue.Artists.Ids[artist]);

    /// <summary>Builds every user's playlist.</summary>
    public DiscoverWeeklyRows Build(int maxDegreeOfParallelism, CancellationToken cancellationToken)
    {
        var rows = new DiscoverWeeklyRows(users.Count, settings.Diversity.Length);
        var exclusions = new ExclusionLists(history.Offsets, history.AllTracks);
        var candidates = TopKScorer.Score(users.AsFactorMatrix(), catalogue.PackedTracks, exclusions,
            new TopKOptions { K = settings.CandidatePool, Mode = settings.Mode, MaxDegreeOfParallelism = maxDegreeOfParallelism });
        var workers = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : maxDegreeOfParallelism;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken }, w =>
        {
            var scratch = new Worker(this);
            for (var u = w; u < users.Count; u += workers)
            {
                if ((u & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
                scratch.Build(u, candidates, rows);
            }
        });
        return rows;
    }

    /// <summary>One worker's scratch, reused user after user.</summary>
    private sealed class Worker
    {
        private readonly DiscoverWeeklyBuilder b;
        private readonly float[] clusterWeight;
        private readonly int[] clusterSlot;
        private readonly bool[] played;
        private readonly bool[] inPool;
        private readonly float[] artistWeight;
        private readonly List<int> touchedArtists = [];
        private readonly List<int> userClusters = [];
        private readonly List<double> userShares = [];
        private readonly List<int> adjacentClusters = [];
        private readonly List<int> topArtists = [];
        private readonly float[] extraScores;
        private readonly int[] extraTracks;
        private readonly Dictionary<int, int> artistSlots = [];
        private readonly Dictionary<(string Artist, string? Genre), string> reasons = [];
        private readonly RerankCandidates candidates;
        private readonly int[] candidateTracks;
        private readonly float[] candidateScores;
        private readonly int[] picks;

        public Worker(DiscoverWeeklyBuilder builder)
        {
            b = builder;
            clusterWeight = new float[b.clusters.ClusterCount];
            clusterSlot = new int[b.clusters.ClusterCount + 1];
            played = new bool[b.tracks.Count];
            inPool = new bool[b.tracks.Count];
            artistWeight = new float[Math.Max(b.catalogue.Artists.Count, 1)];
            var capacity = b.settings.CandidatePool + b.settings.AdjacentClusters * b.settings.Diversity.Length;
            candidates = new RerankCandidates(b.tracks.Factors, capacity);
            candidateTracks = new int[capacity];
            candidateScores = new float[capacity];
            picks = new int[b.settings.Diversity.Length];
            extraScores = new float[b.settings.Diversity.Length];
            extraTracks = new int[b.settings.Diversity.Length];
        }

        // Batch kernels run once per process: optimise at once rather than spend the run in tier-0 code.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Build(int user, TopKResult scored, DiscoverWeeklyRows rows)
        {
            var historyTracks = b.history.TracksOf(user);
            var affinity = b.history.AffinitiesOf(user);
            foreach (var t in historyTracks) played[t] = true;
            try
            {
                FindTasteClusters(historyTracks, affinity);
                var positive = 0;
                foreach (var a in affinity) if (a > 0) positive++;
                var thin = positive < b.settings.MinHistoryTracks || TensorPrimitives.Norm(b.users.Row(user)) == 0;
                if (thin) Fallback(user, rows);
                else Personalised(user, scored, historyTracks, affinity, rows);
            }
            finally
            {
                foreach (var t in historyTracks) played[t] = false;
            }
        }

        /// <summary>The user's clusters by affinity share (at least the top one), and the clusters next to the top ones.</summary>
        private void FindTasteClusters(ReadOnlySpan<int> historyTracks, ReadOnlySpan<float> affinity)
        {
            userClusters.Clear();
            userShares.Clear();
            adjacentClusters.Clear();
            Array.Clear(clusterWeight);
            var total = 0.0;
            for (var i = 0; i < historyTracks.Length; i++)
            {
                var c = b.clusters.ClusterOfTrack[historyTracks[i]];
                if (c < 0) continue;
                // A played track with no affinity left still says a little about taste: enough to rank a thin user's clusters.
                var weight = affinity[i] + 1e-3f;
                clusterWeight[c] += weight;
                total += weight;
            }
            if (total <= 0) return;
            for (var n = 0; n < b.settings.MaxUserClusters; n++)
            {
                var best = -1;
                for (var c = 0; c < clusterWeight.Length; c++)
                    if (clusterWeight[c] > 0 && (best < 0 || clusterWeight[c] > clusterWeight[best])) best = c;
                if (best < 0 || (n > 0 && clusterWeight[best] / total < b.settings.MinClusterShare)) break;
                userClusters.Add(best);
                userShares.Add(clusterWeight[best] / total);
                clusterWeight[best] = -clusterWeight[best];
            }
            for (var i = 0; i < userClusters.Count && adjacentClusters.Count < b.settings.AdjacentClusters; i++)
                foreach (var neighbour in b.clusters.NeighboursOf(userClusters[i]))
                {
                    if (userClusters.Contains(neighbour) || adjacentClusters.Contains(neighbour)) continue;
                    adjacentClusters.Add(neighbour);
                    break;
                }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Personalised(int user, TopKResult scored, ReadOnlySpan<int> historyTracks, ReadOnlySpan<float> affinity, DiscoverWeeklyRows rows)
        {
            var length = b.settings.Diversity.Length;
            var userVector = b.users.Row(user);
            var pool = scored.ItemsOf(user);
            var poolScores = scored.ScoresOf(user);
            var count = 0;
            for (var i = 0; i < pool.Length; i++)
            {
                candidateTracks[count] = pool[i];
                candidateScores[count++] = poolScores[i];
                inPool[pool[i]] = true;
            }
            foreach (var cluster in adjacentClusters)
            {
                // The cluster's best `length` unplayed tracks not yet candidates: insertion into a short sorted list
                // (best first, ties by row), cheaper than sorting the whole cluster.
                var kept = 0;
                var members = b.clusters.TracksOf(cluster);
                for (var m = 0; m < members.Length; m++)
                {
                    var t = members[m];
                    if (played[t] || inPool[t]) continue;
                    var score = TensorPrimitives.Dot(userVector, b.clusterVectors.Row(cluster, m));
                    if (kept == length && !(score > extraScores[kept - 1])) continue;
                    var at = Math.Min(kept, length - 1);
                    while (at > 0 && score > extraScores[at - 1])
                    {
                        extraScores[at] = extraScores[at - 1];
                        extraTracks[at] = extraTracks[at - 1];
                        at--;
                    }
                    extraScores[at] = score;
                    extraTracks[at] = t;
                    if (kept < length) kept++;
                }
                for (var i = 0; i < kept; i++)
                {
                    candidateTracks[count] = extraTracks[i];
                    candidateScores[count++] = extraScores[i];
                    inPool[extraTracks[i]] = true;
                }
            }
            for (var i = 0; i < count; i++) inPool[candidateTracks[i]] = false;

            // Cluster caps: the user's clusters in proportion to their share (+2 of slack), adjacent ones a fifth of the
            // playlist, any other cluster 2; slot 0 stands for "any other cluster".
            Array.Fill(clusterSlot, 0);
            candidates.Reset(count);
            candidates.ClusterCaps[0] = 2;
            for (var i = 0; i < userClusters.Count; i++)
            {
                clusterSlot[userClusters[i]] = 1 + i;
                candidates.ClusterCaps[1 + i] = (int)Math.Ceiling(length * userShares[i]) + 2;
            }
            for (var i = 0; i < adjacentClusters.Count; i++)
            {
                var slot = 1 + userClusters.Count + i;
                clusterSlot[adjacentClusters[i]] = slot;
                candidates.ClusterCaps[slot] = Math.Max(b.settings.Diversity.MinAdjacent, (int)Math.Ceiling(length / 5.0));
            }
            var maxScore = 0f;
            for (var i = 0; i < count; i++) maxScore = Math.Max(maxScore, candidateScores[i]);
            if (maxScore <= 0) maxScore = 1;
            artistSlots.Clear();
            for (var i = 0; i < count; i++)
            {
                var t = candidateTracks[i];
                var relevance = candidateScores[i] / maxScore;
                var boost = b.catalogue.Priority.TryGetValue(t, out var flagged) && relevance >= b.settings.PriorityMinRelevance
                    ? Math.Min(flagged, b.settings.PriorityMaxBoost) : 0f;
                if (!artistSlots.TryGetValue(b.catalogue.ArtistOfTrack[t], out var artistSlot)) artistSlots[b.catalogue.ArtistOfTrack[t]] = artistSlot = artistSlots.Count;
                var cluster = b.clusters.ClusterOfTrack[t];
                var slot = cluster < 0 ? 0 : clusterSlot[cluster];
                candidates.Add(relevance, boost, b.popularity.Share[t], artistSlot, slot, cluster >= 0 && adjacentClusters.Contains(cluster), b.catalogue.UnitTracks, t);
            }
            var picked = DiversityReranker.Select(candidates, b.settings.Diversity, picks);

            FindTopArtists(historyTracks, affinity);
            var boostShown = false;
            for (var p = 0; p < picked; p++)
            {
                var c = picks[p];
                var t = candidateTracks[c];
                var slot = user * length + p;
                var source = candidates.Adjacent[c] ? PickSource.Adjacent : PickSource.Relevant;
                if (candidates.Boost[c] > 0 && !boostShown)
                {
                    source = PickSource.Priority;
                    boostShown = true;
                }
                var artist = NearestTopArtist(t);
                rows.Tracks[slot] = t;
                rows.Scores[slot] = candidateScores[c];
                rows.Sources[slot] = source;
                rows.Reasons[slot] = source switch
                {
                    PickSource.Adjacent => Reason(artist, b.clusters.Genres[b.clusters.ClusterOfTrack[t]]),
                    PickSource.Priority => $"because you play {artist}; highlighted by {b.ArtistName(b.catalogue.ArtistOfTrack[t])}",
                    _ => Reason(artist, null),
                };
            }
            rows.Counts[user] = picked;
        }

        /// <summary>Popular unplayed tracks of the user's few clusters in turn, then the most popular overall.</summary>
        private void Fallback(int user, DiscoverWeeklyRows rows)
        {
            var length = b.settings.Diversity.Length;
            var cap = b.settings.Diversity.MaxPerArtist;
            artistSlots.Clear();
            var count = 0;
            bool TryTake(int t)
            {
                if (played[t] || inPool[t]) return false;
                var artist = b.catalogue.ArtistOfTrack[t];
                var taken = artistSlots.GetValueOrDefault(artist);
                if (taken >= cap) return false;
                artistSlots[artist] = taken + 1;
                inPool[t] = true;
                var slot = user * length + count++;
                rows.Tracks[slot] = t;
                rows.Scores[slot] = b.popularity.Share[t];
                rows.Sources[slot] = PickSource.Fallback;
                var cluster = b.clusters.ClusterOfTrack[t];
                rows.Reasons[slot] = cluster < 0 ? CatalogueFallbackReason : b.catalogue.FallbackReasons[cluster];
                return true;
            }
            Span<int> cursors = stackalloc int[userClusters.Count];
            var remaining = true;
            while (count < length && remaining)
            {
                remaining = false;
                for (var i = 0; i < userClusters.Count && count < length; i++)
                {
                    var list = b.catalogue.ClusterPopular[userClusters[i]];
                    while (cursors[i] < list.Length && !TryTake(list[cursors[i]++])) { }
                    remaining |= cursors[i] < list.Length;
                }
            }
            for (var r = 0; r < b.popularity.MostPlayedFirst.Length && count < length; r++) TryTake(b.popularity.MostPlayedFirst[r]);
            for (var i = 0; i < count; i++) inPool[rows.Tracks[user * length + i]] = false;
            rows.Counts[user] = count;
        }

        private void FindTopArtists(ReadOnlySpan<int> historyTracks, ReadOnlySpan<float> affinity)
        {
            touchedArtists.Clear();
            for (var i = 0; i < historyTracks.Length; i++)
            {
                var a = b.catalogue.ArtistOfTrack[historyTracks[i]];
                if (a < 0) continue;
                if (artistWeight[a] == 0) touchedArtists.Add(a);
                artistWeight[a] += affinity[i] + 1e-3f;
            }
            topArtists.Clear();
            topArtists.AddRange(touchedArtists);
            topArtists.Sort((x, y) => artistWeight[x] != artistWeight[y] ? artistWeight[y].CompareTo(artistWeight[x]) : x.CompareTo(y));
            if (topArtists.Count > b.settings.ReasonArtists) topArtists.RemoveRange(b.settings.ReasonArtists, topArtists.Count - b.settings.ReasonArtists);
            foreach (var a in touchedArtists) artistWeight[a] = 0;
        }

        /// <summary>
        /// "because you play <paramref name="artist"/>", with "; a step into <paramref name="genre"/>" for an adjacent pick:
        /// one string per distinct reason, shared by all the rows that give it (millions of rows, thousands of reasons).
        /// </summary>
        private string Reason(string artist, string? genre)
        {
            if (!reasons.TryGetValue((artist, genre), out var reason))
            {
                reason = genre is null ? $"because you play {artist}" : $"because you play {artist}; a step into {genre}";
                reasons[(artist, genre)] = reason;
            }
            return reason;
        }

        private string NearestTopArtist(int track)
        {
            var factors = b.tracks.Factors;
            var vector = b.catalogue.UnitTracks.AsSpan(track * factors, factors);
            var best = -1;
            var bestSimilarity = float.NegativeInfinity;
            foreach (var a in topArtists)
            {
                var similarity = TensorPrimitives.Dot(vector, b.catalogue.UnitArtists.AsSpan(a * factors, factors));
                if (similarity > bestSimilarity)
                {
                    bestSimilarity = similarity;
                    best = a;
                }
            }
            return best < 0 ? "similar music" : b.ArtistName(best);
        }
    }
}
