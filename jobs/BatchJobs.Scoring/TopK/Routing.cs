namespace BatchJobs.Scoring.TopK;

/// <summary>
/// Which clusters each user of a chunk probes, inverted to which users each cluster must be scored against.
/// One instance per worker, rebuilt for every chunk.
/// </summary>
internal sealed class Routing
{
    private readonly ulong[] _ranked;
    private readonly ulong[] _greater;
    private readonly ulong[] _less;
    private readonly int[] _userClusters;
    private readonly int[] _userOffsets;
    private readonly int[] _clusterOffsets;
    private readonly int[] _clusterUsers;
    private readonly int[] _fill;
    private readonly int _clusterCount;

    /// <summary>Room for chunks of up to <paramref name="maxUsers"/> users and <paramref name="clusterCount"/> clusters.</summary>
    public Routing(int maxUsers, int clusterCount)
    {
        _clusterCount = clusterCount;
        _ranked = new ulong[clusterCount];
        _greater = new ulong[clusterCount + 8];
        _less = new ulong[clusterCount + 8];
        _userOffsets = new int[maxUsers + 1];
        _userClusters = new int[maxUsers * clusterCount];
        _clusterOffsets = new int[clusterCount + 1];
        _clusterUsers = new int[maxUsers * clusterCount];
        _fill = new int[clusterCount];
    }

    /// <summary>
    /// Picks, for each of <paramref name="userCount"/> users, its best clusters by centroid score, as many as
    /// hold <paramref name="candidateTarget"/> items on average (more if those fall short), and groups the
    /// users by cluster.
    /// </summary>
    public void Build(ReadOnlySpan<float> scores, int rowStride, int userCount, ReadOnlySpan<int> sizes, long candidateTarget)
    {
        var nonEmpty = 0;
        var items = 0L;
        foreach (var size in sizes)
        {
            nonEmpty += size > 0 ? 1 : 0;
            items += size;
        }
        // Clusters are about equally large, so a count taken on average needs no sort by score; only a user
        // whose best clusters are small needs more, taken in score order.
        var probes = (int)Math.Clamp((candidateTarget * nonEmpty + items - 1) / Math.Max(items, 1), 1, nonEmpty);

        var taken = 0;
        for (var user = 0; user < userCount; user++)
        {
            _userOffsets[user] = taken;
            var order = Rank(scores.Slice(user * rowStride, _clusterCount), sizes);
            ScoreKeys.SelectLargest(order, probes, _greater, _less);
            long candidates = 0;
            foreach (var key in order[..probes])
            {
                var cluster = ScoreKeys.Item(key);
                _userClusters[taken++] = cluster;
                candidates += sizes[cluster];
            }
            if (candidates < candidateTarget)
            {
                // The best clusters are small: take the next ones in score order. Selection leaves the rest of
                // the keys unspecified, so rank all clusters again; sorting only the best few usually suffices.
                taken -= probes;
                candidates = 0;
                var sorted = Math.Min(order.Length, 2 * probes);
                order = Rank(scores.Slice(user * rowStride, _clusterCount), sizes);
                ScoreKeys.SelectLargest(order, sorted, _greater, _less);
                var best = order[..sorted];
                ScoreKeys.Sort(best, _greater);
                for (var i = sorted - 1; i >= 0 && candidates < candidateTarget; i--)
                {
                    var cluster = ScoreKeys.Item(best[i]);
                    _userClusters[taken++] = cluster;
                    candidates += sizes[cluster];
                }
                if (candidates < candidateTarget)
                {
                    order = Rank(scores.Slice(user * rowStride, _clusterCount), sizes);
                    ScoreKeys.Sort(order, _greater);
                    for (var i = order.Length - 1 - sorted; i >= 0 && candidates < candidateTarget; i--)
                    {
                        var cluster = ScoreKeys.Item(order[i]);
                        _userClusters[taken++] = cluster;
                        candidates += sizes[cluster];
                    }
                }
            }
        }

        _userOffsets[userCount] = taken;

        var clusterOffsets = _clusterOffsets.AsSpan();
        clusterOffsets.Clear();
        foreach (var cluster in _userClusters.AsSpan(0, taken)) clusterOffsets[cluster + 1]++;
        for (var cluster = 0; cluster < _clusterCount; cluster++) clusterOffsets[cluster + 1] += clusterOffsets[cluster];
        var fill = _fill.AsSpan();
        clusterOffsets[.._clusterCount].CopyTo(fill);
        for (var user = 0; user < userCount; user++)
        {
            for (var probe = _userOffsets[user]; probe < _userOffsets[user + 1]; probe++)
            {
                _clusterUsers[fill[_userClusters[probe]]++] = user;
            }
        }
    }

    /// <summary>Keys (centroid score, cluster) of the non-empty clusters, in scratch.</summary>
    private Span<ulong> Rank(ReadOnlySpan<float> scores, ReadOnlySpan<int> sizes)
    {
        var ranked = 0;
        for (var cluster = 0; cluster < _clusterCount; cluster++)
        {
            if (sizes[cluster] > 0) _ranked[ranked++] = ScoreKeys.Create(scores[cluster], cluster);
        }
        return _ranked.AsSpan(0, ranked);
    }

    /// <summary>The clusters chunk-local <paramref name="user"/> probes.</summary>
    public ReadOnlySpan<int> ClustersOf(int user) =>
        _userClusters.AsSpan(_userOffsets[user], _userOffsets[user + 1] - _userOffsets[user]);

    /// <summary>The chunk-local users that probe <paramref name="cluster"/>, ascending.</summary>
    public ReadOnlySpan<int> UsersOf(int cluster) =>
        _clusterUsers.AsSpan(_clusterOffsets[cluster], _clusterOffsets[cluster + 1] - _clusterOffsets[cluster]);
}
