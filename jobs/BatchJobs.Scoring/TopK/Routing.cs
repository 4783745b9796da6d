using System.Runtime.Intrinsics;

namespace BatchJobs.Scoring.TopK;

/// <summary>
/// Which clusters each user of a chunk probes, inverted to which users each cluster must be scored against.
/// One instance per worker, rebuilt for every chunk.
/// </summary>
internal sealed unsafe class Routing
{
    private readonly int _clusterCount;
    private readonly ulong[] _ranked;
    private readonly ulong[] _greater;
    private readonly ulong[] _less;
    private readonly int[] _userOffsets;
    private readonly int[] _clusterOffsets;
    private readonly int[] _fill;
    private int[] _clusterUsers = [];
    private int[] _userClusters;

    /// <summary>Room for chunks of up to <paramref name="maxUsers"/> users and <paramref name="clusterCount"/> clusters.</summary>
    public Routing(int maxUsers, int clusterCount)
    {
        _clusterCount = clusterCount;
        _ranked = new ulong[clusterCount];
        _greater = new ulong[clusterCount + 8];
        _less = new ulong[clusterCount + 8];
        _userOffsets = new int[maxUsers + 1];
        _clusterOffsets = new int[clusterCount + 1];
        _fill = new int[clusterCount];
        _userClusters = new int[maxUsers * Math.Min(clusterCount, 64)];
    }

    /// <summary>
    /// Picks, for each of <paramref name="userCount"/> users, its <paramref name="probes"/> best clusters by
    /// centroid score — more, in score order, when those hold fewer than the <paramref name="keep"/> items the
    /// user needs, best first — and groups the users by cluster.
    /// </summary>
    /// <param name="scores">Row-major centroid scores, <paramref name="rowStride"/> floats per user.</param>
    /// <param name="rowStride">Floats from one user's scores to the next'.</param>
    /// <param name="userCount">Users of the chunk.</param>
    /// <param name="sizes">Items of each cluster; none is empty.</param>
    /// <param name="probes">Clusters each user probes at least.</param>
    /// <param name="keep">Items each user's candidate list keeps (k plus its exclusions).</param>
    public void Build(ReadOnlySpan<float> scores, int rowStride, int userCount, ReadOnlySpan<int> sizes, int probes, ReadOnlySpan<int> keep)
    {
        probes = Math.Clamp(probes, 1, _clusterCount);

        var taken = 0;
        for (var user = 0; user < userCount; user++)
        {
            _userOffsets[user] = taken;
            if (_userClusters.Length < taken + _clusterCount) Array.Resize(ref _userClusters, 2 * (taken + _clusterCount));
            var row = scores.Slice(user * rowStride, _clusterCount);

            var ranked = Rank(row);
            ScoreKeys.SelectLargest(ranked, probes, _greater, _less);
            var best = ranked[..probes];
            var held = 0L;
            foreach (var key in best) held += sizes[ScoreKeys.Item(key)];
            if (held >= keep[user])
            {
                ScoreKeys.SortDescending(best, _greater);
                for (var i = 0; i < best.Length; i++) _userClusters[taken + i] = ScoreKeys.Item(best[i]);
                taken += best.Length;
                continue;
            }

            // The best clusters are small: take clusters in score order until the user has enough items.
            ranked = Rank(row);
            ScoreKeys.Sort(ranked, _greater);
            var count = 0;
            held = 0;
            for (var i = ranked.Length - 1; i >= 0 && (count < probes || held < keep[user]); i--)
            {
                var cluster = ScoreKeys.Item(ranked[i]);
                _userClusters[taken + count++] = cluster;
                held += sizes[cluster];
            }
            taken += count;
        }
        _userOffsets[userCount] = taken;
        Invert(userCount, []);
    }

    /// <summary>The clusters chunk-local <paramref name="user"/> probes, best first.</summary>
    public ReadOnlySpan<int> ClustersOf(int user) =>
        _userClusters.AsSpan(_userOffsets[user], _userOffsets[user + 1] - _userOffsets[user]);

    /// <summary>The chunk-local users, ascending, that probe <paramref name="cluster"/> (of those <see cref="Restrict"/> kept).</summary>
    public ReadOnlySpan<int> UsersOf(int cluster) =>
        _clusterUsers.AsSpan(_clusterOffsets[cluster], _clusterOffsets[cluster + 1] - _clusterOffsets[cluster]);

    /// <summary>Makes <see cref="UsersOf"/> list only <paramref name="users"/> (ascending), with the clusters they probe.</summary>
    public void Restrict(ReadOnlySpan<int> users) => Invert(users.Length, users);

    /// <summary>
    /// Groups the probes of <paramref name="users"/> by cluster — of the chunk's first <paramref name="userCount"/>
    /// users when it is empty: a counting sort, users ascending within a cluster.
    /// </summary>
    private void Invert(int userCount, ReadOnlySpan<int> users)
    {
        var offsets = _clusterOffsets.AsSpan();
        offsets.Clear();
        for (var i = 0; i < userCount; i++)
        {
            foreach (var cluster in ClustersOf(users.IsEmpty ? i : users[i])) offsets[cluster + 1]++;
        }
        for (var cluster = 0; cluster < _clusterCount; cluster++) offsets[cluster + 1] += offsets[cluster];
        if (_clusterUsers.Length < offsets[_clusterCount]) _clusterUsers = new int[2 * offsets[_clusterCount]];
        var fill = _fill.AsSpan();
        offsets[.._clusterCount].CopyTo(fill);
        for (var i = 0; i < userCount; i++)
        {
            var user = users.IsEmpty ? i : users[i];
            foreach (var cluster in ClustersOf(user)) _clusterUsers[fill[cluster]++] = user;
        }
    }

    /// <summary>Keys (centroid score, cluster) of all clusters, in scratch.</summary>
    private Span<ulong> Rank(ReadOnlySpan<float> scores)
    {
        var keys = _ranked.AsSpan(0, _clusterCount);
        var cluster = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            fixed (float* source = scores)
            fixed (ulong* destination = keys)
            {
                for (; cluster + 16 <= _clusterCount; cluster += 16)
                {
                    var (low, high) = ScoreKeys.Create(Vector512.Load(source + cluster), Vector512<int>.Indices + Vector512.Create(cluster));
                    low.Store(destination + cluster);
                    high.Store(destination + cluster + 8);
                }
            }
        }
        for (; cluster < _clusterCount; cluster++) keys[cluster] = ScoreKeys.Create(scores[cluster], cluster);
        return keys;
    }
}
