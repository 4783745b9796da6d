using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using BatchJobs.Jobs.Clustering;
using BatchJobs.Jobs.Similarity;

namespace BatchJobs.Jobs.Playlists;

/// <summary>
/// Builds every user's Daily Mixes (no I/O): the user's favourites (positive affinity, not kept skipping) grouped by
/// taste cluster and weighted by affinity; one mix per cluster with enough weight, strongest first, up to
/// <see cref="DailyMixOptions.MaxMixes"/>. A mix is the cluster's favourites by affinity with new tracks of the same
/// cluster (the user's best-scored unplayed ones) interleaved evenly, sized by <see cref="MixAssembly.Sizes"/>, and
/// named after its leading artists. Clusters are disjoint, so no track is in two of a user's mixes.
/// </summary>
/// <remarks>Users run in parallel with per-worker scratch; the result does not depend on the thread count.</remarks>
public sealed class DailyMixBuilder(EmbeddingTable users, EmbeddingTable tracks, ListeningHistory history, TasteClusterTable clusters,
    Func<string, string> artistName, DailyMixOptions options)
{
    private readonly EmbeddingTable users = users;
    private readonly EmbeddingTable tracks = tracks;
    private readonly ListeningHistory history = history;
    private readonly TasteClusterTable clusters = clusters;
    private readonly Func<string, string> artistName = artistName;
    private readonly DailyMixOptions options = options;

    /// <summary>Each user's mix rows, in mix and position order (empty for a user with no favourites).</summary>
    public DailyMixRow[][] Build(int maxDegreeOfParallelism, CancellationToken cancellationToken)
    {
        options.Validate();
        var result = new DailyMixRow[users.Count][];
        var workers = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : maxDegreeOfParallelism;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken }, w =>
        {
            var worker = new Worker(this);
            for (var u = w; u < users.Count; u += workers)
            {
                if ((u & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
                result[u] = worker.Build(u);
            }
        });
        return result;
    }

    private sealed class Worker(DailyMixBuilder b)
    {
        private readonly bool[] played = new bool[b.tracks.Count];
        private readonly float[] clusterWeight = new float[b.clusters.ClusterCount];
        private readonly List<int>[] favourites = Enumerable.Range(0, b.clusters.ClusterCount).Select(_ => new List<int>()).ToArray();
        private readonly List<(float Score, int Track)> fresh = [];
        private readonly Dictionary<string, float> artistWeight = new(StringComparer.Ordinal);
        private readonly bool[] isNew = new bool[b.options.MaxLength];
        private readonly List<DailyMixRow> rows = [];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public DailyMixRow[] Build(int user)
        {
            var historyTracks = b.history.TracksOf(user);
            var affinity = b.history.AffinitiesOf(user);
            var streams = b.history.StreamsOf(user);
            var skips = b.history.SkipsOf(user);
            foreach (var t in historyTracks) played[t] = true;
            foreach (var list in favourites) list.Clear();
            Array.Clear(clusterWeight);
            rows.Clear();
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
            var order = Enumerable.Range(0, clusterWeight.Length).Where(c => clusterWeight[c] > 0)
                .OrderByDescending(c => clusterWeight[c]).ThenBy(c => c).ToList();
            var mixNumber = 0;
            for (var rank = 0; rank < order.Count && mixNumber < b.options.MaxMixes; rank++)
            {
                var cluster = order[rank];
                var favouriteRows = favourites[cluster];
                if (rank > 0 && (favouriteRows.Count < b.options.MinFavourites || clusterWeight[cluster] / total < b.options.MinClusterShare)) break;
                var (favouriteCount, freshCount) = MixAssembly.Sizes(favouriteRows.Count, CountUnplayed(cluster), b.options);
                if (favouriteCount == 0) continue;
                RankFresh(user, cluster, freshCount);
                var name = MixAssembly.Name(LeadingArtists(historyTracks, affinity, favouriteRows, favouriteCount));
                mixNumber++;
                MixAssembly.Interleave(favouriteCount, freshCount, isNew);
                var (nextFavourite, nextFresh) = (0, 0);
                for (var p = 0; p < favouriteCount + freshCount; p++)
                {
                    if (isNew[p])
                    {
                        var (score, track) = fresh[nextFresh++];
                        rows.Add(new DailyMixRow(mixNumber, name, p + 1, track, true, score, cluster));
                    }
                    else
                    {
                        var i = favouriteRows[nextFavourite++];
                        rows.Add(new DailyMixRow(mixNumber, name, p + 1, historyTracks[i], false, affinity[i], cluster));
                    }
                }
            }
            foreach (var t in historyTracks) played[t] = false;
            return rows.ToArray();
        }

        private int CountUnplayed(int cluster)
        {
            var count = 0;
            foreach (var t in b.clusters.TracksOf(cluster)) if (!played[t]) count++;
            return count;
        }

        /// <summary>The cluster's best <paramref name="count"/> unplayed tracks by the user's score, into <see cref="fresh"/>.</summary>
        private void RankFresh(int user, int cluster, int count)
        {
            fresh.Clear();
            var vector = b.users.Row(user);
            foreach (var t in b.clusters.TracksOf(cluster))
                if (!played[t]) fresh.Add((TensorPrimitives.Dot(vector, b.tracks.Row(t)), t));
            fresh.Sort(static (x, y) => x.Score != y.Score ? y.Score.CompareTo(x.Score) : x.Track.CompareTo(y.Track));
            if (fresh.Count > count) fresh.RemoveRange(count, fresh.Count - count);
        }

        /// <summary>Up to three artists with the most affinity among the mix's favourites (ties by id).</summary>
        private List<string> LeadingArtists(ReadOnlySpan<int> historyTracks, ReadOnlySpan<float> affinity, List<int> favouriteRows, int count)
        {
            artistWeight.Clear();
            for (var f = 0; f < count; f++)
            {
                var i = favouriteRows[f];
                var artist = b.tracks.ArtistIds![historyTracks[i]];
                artistWeight[artist] = artistWeight.GetValueOrDefault(artist) + affinity[i];
            }
            return artistWeight.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(3).Select(p => b.artistName(p.Key)).ToList();
        }
    }
}
