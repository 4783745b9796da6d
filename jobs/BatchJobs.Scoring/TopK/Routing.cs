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

    /// <summary>How many clusters of average size hold <paramref name="candidates"/> of <paramref name="items"/> items.</summary>
    public static int ClustersHolding(long candidates, long items, int clusterCount) =>
        (int)Math.Clamp((candidates * clusterCount + items - 1) / items, 1, clusterCount);

    /// <summary>
    /// Picks, for each of <paramref name="userCount"/> users, its best clusters by centroid score, best first,
    /// until they hold <paramref name="candidates"/> items, or the <paramref name="keep"/> items its list needs if
    /// that is more; then groups the users by cluster.
    /// </summary>
    /// <remarks>
    /// A budget of items rather than a number of clusters: k-means on real embeddings makes clusters of very
    /// different sizes, and a user whose best clusters are small would otherwise score far fewer candidates
    /// (on Last.fm factors, a fixed count of probes found 0.61 of the exact top 500 at 8 x k, the item budget
    /// 0.89).
    /// </remarks>
    /// <param name="scores">Row-major centroid scores, <paramref name="rowStride"/> floats per user.</param>
    /// <param name="rowStride">Floats from one user's scores to the next'.</param>
    /// <param name="userCount">Users of the chunk.</param>
    /// <param name="sizes">Items of each cluster; none is empty.</param>
    /// <param name="candidates">Items each user probes at least.</param>
    /// <param name="keep">Items each user's candidate list keeps (k plus its exclusions).</param>
    public void Build(ReadOnlySpan<float> scores, int rowStride, int userCount, ReadOnlySpan<int> sizes, long candidates, ReadOnlySpan<int> keep)
    {
        var items = 0L;
        foreach (var size in sizes) items += size;

        var taken = 0;
        for (var user = 0; user < userCount; user++)
        {
            _userOffsets[user] = taken;
            if (_userClusters.Length < taken + _clusterCount) Array.Resize(ref _userClusters, 2 * (taken + _clusterCount));
            var row = scores.Slice(user * rowStride, _clusterCount);
            var budget = Math.Max(candidates, keep[user]);

            // A quarter more of the best clusters than clusters of average size would need nearly always holds the
            // budget; only they are selected and sorted.
            var average = ClustersHolding(budget, items, _clusterCount);
            var best = Rank(row);
            var selected = Math.Min(_clusterCount, average + average / 4 + 1);
            ScoreKeys.SelectLargest(best, selected, _greater, _less);
            best = best[..selected];
            ScoreKeys.SortDescending(best, _greater);
            var probed = _userClusters.AsSpan(taken);
            var count = TakeUntil(best, sizes, budget, probed, out var held);
            if (held < budget && best.Length < _clusterCount)
            {
                // The best clusters are small: all of them in score order.
                best = Rank(row);
                ScoreKeys.SortDescending(best, _greater);
                count = TakeUntil(best, sizes, budget, probed, out _);
            }
            taken += count;
        }
        _userOffsets[userCount] = taken;
        Invert(userCount, []);
    }

    /// <summary>
    /// Writes the clusters of <paramref name="ranked"/> (keys, best first) into <paramref name="probed"/> until they hold
    /// <paramref name="budget"/> items, and returns how many it took (all of them if they hold fewer) and, in
    /// <paramref name="held"/>, their items.
    /// </summary>
    private static int TakeUntil(ReadOnlySpan<ulong> ranked, ReadOnlySpan<int> sizes, long budget, Span<int> probed, out long held)
    {
        held = 0L;
        var count = 0;
        while (count < ranked.Length && held < budget)
        {
            var cluster = ScoreKeys.Item(ranked[count]);
            probed[count++] = cluster;
            held += sizes[cluster];
        }
        return count;
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
