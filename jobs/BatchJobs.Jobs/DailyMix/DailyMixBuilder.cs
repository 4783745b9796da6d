using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BatchJobs.Jobs.Clustering;
using BatchJobs.Jobs.Playlists;
using BatchJobs.Jobs.Similarity;

namespace BatchJobs.Jobs.DailyMix;

/// <summary>
/// Builds every user's Daily Mixes (no I/O): the user's favourites (positive affinity, not kept skipping) grouped by
/// taste cluster and weighted by affinity; one mix per cluster with enough weight, strongest first, up to
/// <see cref="DailyMixOptions.MaxMixes"/>. A mix is the cluster's favourites by affinity with new tracks (the user's
/// best-scored unplayed ones, from the mix's cluster first, then from the clusters nearest to it by centroid when it
/// runs short) interleaved evenly, sized by <see cref="MixAssembly.Sizes"/>, and named after its leading artists.
/// </summary>
/// <remarks>
/// Every user with history gets a mix: the strongest cluster always makes one. When it holds fewer favourites than
/// <see cref="MixAssembly.FavouritesNeeded"/>, it borrows the best favourites of the clusters nearest to it until it
/// has them; a user with fewer favourites than that in all gets that one mix with all of them, filled to the minimum
/// length with new tracks (so above the maximum new share). A user without any favourite (every play zero-affinity or
/// kept skipping) gets one mix of new tracks from the cluster of most of the plays. Ties between new tracks go to the
/// one with more listeners in the whole history (the catalogue's), so a user's mixes do not depend on which other
/// users the builder holds. No track is in two of a user's mixes. Users run in parallel with per-worker scratch; the
/// result does not depend on the thread count.
/// </remarks>
public sealed class DailyMixBuilder(EmbeddingTable users, ListeningHistory history, PlaylistCatalogue catalogue, DailyMixOptions options)
{
    private readonly EmbeddingTable users = users;
    private readonly EmbeddingTable tracks = catalogue.Tracks;
    private readonly ListeningHistory history = history;
    private readonly TasteClusterTable clusters = catalogue.Clusters;
    private readonly Func<string, string> artistName = catalogue.ArtistName;
    private readonly DailyMixOptions options = options;
    private readonly ClusterTrackVectors clusterVectors = catalogue.ClusterVectors;

    private readonly int[] listeners = catalogue.Listeners.Listeners;

    /// <summary>Each user's mix rows, in mix and position order (empty for a user without history).</summary>
    public DailyMixRow[][] Build(int maxDegreeOfParallelism, CancellationToken cancellationToken)
    {
        options.Validate();
        var result = new DailyMixRow[users.Count][];
        var workers = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : maxDegreeOfParallelism;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken }, w =>
        {
            var worker = new Worker(this, listeners);
            for (var u = w; u < users.Count; u += workers)
            {
                if ((u & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
                result[u] = worker.Build(u);
            }
        });
        return result;
    }

    private sealed class Worker
    {
        private readonly DailyMixBuilder b;
        private readonly bool[] played;
        private readonly bool[] used;
        private readonly float[] clusterWeight;
        private readonly List<int>[] favourites;
        private readonly List<int> mixFavourites = [];
        private readonly List<(float Score, int Track)> fresh = [];
        private readonly FreshOrder freshOrder;
        private readonly Dictionary<string, float> artistWeight = new(StringComparer.Ordinal);
        private readonly bool[] isNew;
        private readonly List<DailyMixRow> rows = [];
        private readonly int favouritesNeeded;

        public Worker(DailyMixBuilder b, int[] listeners)
        {
            this.b = b;
            played = new bool[b.tracks.Count];
            used = new bool[b.tracks.Count];
            clusterWeight = new float[b.clusters.ClusterCount];
            favourites = Enumerable.Range(0, b.clusters.ClusterCount).Select(_ => new List<int>()).ToArray();
            isNew = new bool[b.options.MaxLength];
            favouritesNeeded = MixAssembly.FavouritesNeeded(b.options);
            freshOrder = new FreshOrder(listeners);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public DailyMixRow[] Build(int user)
        {
            var historyTracks = b.history.TracksOf(user);
            var affinity = b.history.AffinitiesOf(user);
            foreach (var t in historyTracks) played[t] = true;
            var total = GroupFavourites(user);
            var order = Enumerable.Range(0, clusterWeight.Length).Where(c => clusterWeight[c] > 0)
                .OrderByDescending(c => clusterWeight[c]).ThenBy(c => c).ToList();
            rows.Clear();
            var mixNumber = 0;
            for (var rank = 0; rank < order.Count && mixNumber < b.options.MaxMixes; rank++)
            {
                var cluster = order[rank];
                mixFavourites.Clear();
                foreach (var i in favourites[cluster])
                    if (!used[historyTracks[i]]) mixFavourites.Add(i);
                var strongest = rank == 0;
                if (strongest) Borrow(historyTracks, cluster);
                else if (mixFavourites.Count < b.options.MinFavourites || clusterWeight[cluster] / total < b.options.MinClusterShare) break;
                GatherFresh(user, cluster);
                var (favouriteCount, freshCount) = MixAssembly.Sizes(mixFavourites.Count, fresh.Count, b.options, mayExceedNewShare: strongest);
                if (favouriteCount + freshCount == 0) continue;
                var name = MixAssembly.Name(LeadingArtists(historyTracks, affinity, favouriteCount, freshCount));
                mixNumber++;
                MixAssembly.Interleave(favouriteCount, freshCount, isNew);
                var (nextFavourite, nextFresh) = (0, 0);
                for (var p = 0; p < favouriteCount + freshCount; p++)
                {
                    if (isNew[p])
                    {
                        var (score, track) = fresh[nextFresh++];
                        used[track] = true;
                        rows.Add(new DailyMixRow(mixNumber, name, p + 1, track, true, score, cluster));
                    }
                    else
                    {
                        var i = mixFavourites[nextFavourite++];
                        used[historyTracks[i]] = true;
                        rows.Add(new DailyMixRow(mixNumber, name, p + 1, historyTracks[i], false, affinity[i], cluster));
                    }
                }
            }
            foreach (var t in historyTracks) played[t] = false;
            foreach (var row in rows) used[row.Track] = false;
            return rows.ToArray();
        }

        /// <summary>
        /// Fills <see cref="favourites"/> and <see cref="clusterWeight"/> for a user and returns the favourites' total
        /// affinity. Without favourites, each play weighs 1, so the cluster of most plays still makes the user a mix.
        /// </summary>
        private double GroupFavourites(int user)
        {
            var historyTracks = b.history.TracksOf(user);
            var affinity = b.history.AffinitiesOf(user);
            var streams = b.history.StreamsOf(user);
            var skips = b.history.SkipsOf(user);
            foreach (var list in favourites) list.Clear();
            Array.Clear(clusterWeight);
            var total = 0.0;
            // The history is sorted by affinity, so each cluster's favourites come out best first.
            for (var i = 0; i < historyTracks.Length; i++)
            {
                var c = b.clusters.ClusterOfTrack[historyTracks[i]];
                if (c < 0 || !(affinity[i] > 0) || MixAssembly.KeepsSkipping(streams[i], skips[i], b.options.MinSkips)) continue;
                favourites[c].Add(i);
                clusterWeight[c] += affinity[i];
                total += affinity[i];
            }
            if (total == 0)
                foreach (var t in historyTracks)
                    if (b.clusters.ClusterOfTrack[t] >= 0) clusterWeight[b.clusters.ClusterOfTrack[t]]++;
            return total;
        }

        /// <summary>Tops the strongest cluster's favourites up to <see cref="favouritesNeeded"/> with the best favourites of
        /// the clusters nearest to it (by centroid), keeping them in affinity order.</summary>
        private void Borrow(ReadOnlySpan<int> historyTracks, int cluster)
        {
            if (mixFavourites.Count >= favouritesNeeded) return;
            foreach (var neighbour in b.clusters.NeighboursOf(cluster))
            {
                foreach (var i in favourites[neighbour])
                {
                    if (mixFavourites.Count == favouritesNeeded) break;
                    if (!used[historyTracks[i]]) mixFavourites.Add(i);
                }
                if (mixFavourites.Count == favouritesNeeded) break;
            }
            // History rows are in affinity order.
            mixFavourites.Sort();
        }

        /// <summary>
        /// Into <see cref="fresh"/>: the tracks the user has not played and no earlier mix took, best score first, from
        /// <paramref name="cluster"/> and then from the clusters nearest to it while fewer than a mix could take.
        /// </summary>
        private void GatherFresh(int user, int cluster)
        {
            fresh.Clear();
            var vector = b.users.Row(user);
            var neighbours = b.clusters.NeighboursOf(cluster);
            for (var n = -1; n < neighbours.Length && fresh.Count < b.options.MaxLength; n++)
            {
                var from = fresh.Count;
                var source = n < 0 ? cluster : neighbours[n];
                var members = b.clusters.TracksOf(source);
                for (var m = 0; m < members.Length; m++)
                {
                    var t = members[m];
                    if (!played[t] && !used[t]) fresh.Add((TensorPrimitives.Dot(vector, b.clusterVectors.Row(source, m)), t));
                }
                KeepBest(from, b.options.MaxLength - from);
            }
        }

        /// <summary>
        /// Orders the tracks added to <see cref="fresh"/> from <paramref name="from"/> on, best first, and drops all but the
        /// best <paramref name="room"/> of them: a mix holds at most max_length tracks, so the rest could never be taken.
        /// </summary>
        private void KeepBest(int from, int room)
        {
            var added = CollectionsMarshal.AsSpan(fresh)[from..];
            if (added.Length <= room)
            {
                added.Sort(freshOrder);
                return;
            }
            // Insertion into the best so far, kept sorted at the front: once it is full, most tracks lose to its worst
            // with one comparison. It never runs past the track being placed, so it can live in the same span.
            var kept = 0;
            foreach (var candidate in added)
            {
                if (kept == room && freshOrder.Compare(candidate, added[kept - 1]) >= 0) continue;
                var at = Math.Min(kept, room - 1);
                while (at > 0 && freshOrder.Compare(candidate, added[at - 1]) < 0)
                {
                    added[at] = added[at - 1];
                    at--;
                }
                added[at] = candidate;
                if (kept < room) kept++;
            }
            fresh.RemoveRange(from + room, added.Length - room);
        }

        /// <summary>Up to three artists with the most affinity among the mix's favourites, or with the most of its new
        /// tracks when it has no favourite (ties by id).</summary>
        private List<string> LeadingArtists(ReadOnlySpan<int> historyTracks, ReadOnlySpan<float> affinity, int favouriteCount, int freshCount)
        {
            artistWeight.Clear();
            for (var f = 0; f < favouriteCount; f++)
            {
                var i = mixFavourites[f];
                var artist = b.tracks.ArtistIds![historyTracks[i]];
                artistWeight[artist] = artistWeight.GetValueOrDefault(artist) + affinity[i];
            }
            if (favouriteCount == 0)
                for (var f = 0; f < freshCount; f++)
                {
                    var artist = b.tracks.ArtistIds![fresh[f].Track];
                    artistWeight[artist] = artistWeight.GetValueOrDefault(artist) + 1;
                }
            return artistWeight.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(3).Select(p => b.artistName(p.Key)).ToList();
        }
    }

    /// <summary>
    /// New tracks best score first; a zero vector scores every track alike, so listeners then decide, then the row. A
    /// struct, so that the sort's comparisons are inlined rather than delegate calls.
    /// </summary>
    private readonly struct FreshOrder(int[] listeners) : IComparer<(float Score, int Track)>
    {
        public int Compare((float Score, int Track) x, (float Score, int Track) y) =>
            x.Score != y.Score ? y.Score.CompareTo(x.Score)
            : listeners[x.Track] != listeners[y.Track] ? listeners[y.Track].CompareTo(listeners[x.Track])
            : x.Track.CompareTo(y.Track);
    }
}
