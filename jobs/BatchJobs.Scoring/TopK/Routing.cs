using System.Runtime.Intrinsics;

namespace BatchJobs.Scoring.TopK;

/// <summary>
/// Which clusters each user of a chunk probes, in two phases, inverted to which users each cluster must be
/// scored against in each phase. One instance per worker, rebuilt for every chunk.
/// </summary>
/// <remarks>
/// The lead phase holds a user's best clusters, about <see cref="LeadMultiple"/> times as many items as the
/// user keeps: scored first, they raise the user's threshold close to its final value, so that the other
/// probes append only the few items that beat it.
/// </remarks>
internal sealed unsafe class Routing
{
    /// <summary>Items of the lead phase, as a multiple of the items a user keeps.</summary>
    public const int LeadMultiple = 2;

    private readonly int _clusterCount;
    private readonly ulong[] _ranked;
    private readonly ulong[] _greater;
    private readonly ulong[] _less;
    private readonly int[] _userOffsets;
    private readonly int[] _leadEnds;
    private readonly int[][] _clusterOffsets = new int[2][];
    private readonly int[][] _clusterUsers = [[], []];
    private readonly int[] _fill;
    private int[] _userClusters;

    /// <summary>Room for chunks of up to <paramref name="maxUsers"/> users and <paramref name="clusterCount"/> clusters.</summary>
    public Routing(int maxUsers, int clusterCount)
    {
        _clusterCount = clusterCount;
        _ranked = new ulong[clusterCount];
        _greater = new ulong[clusterCount + 8];
        _less = new ulong[clusterCount + 8];
        _userOffsets = new int[maxUsers + 1];
        _leadEnds = new int[maxUsers];
        _clusterOffsets[0] = new int[clusterCount + 1];
        _clusterOffsets[1] = new int[clusterCount + 1];
        _fill = new int[clusterCount];
        _userClusters = new int[maxUsers * Math.Min(clusterCount, 64)];
    }

    /// <summary>
    /// Picks, for each of <paramref name="userCount"/> users, its <paramref name="probes"/> best clusters by
    /// centroid score — more, in score order, when those hold fewer than the <paramref name="keep"/> items the
    /// user needs — splits off the lead ones, and groups the users by cluster and phase.
    /// </summary>
    /// <param name="scores">Row-major centroid scores, <paramref name="rowStride"/> floats per user.</param>
    /// <param name="rowStride">Floats from one user's scores to the next'.</param>
    /// <param name="userCount">Users of the chunk.</param>
    /// <param name="sizes">Items of each cluster; none is empty.</param>
    /// <param name="probes">Clusters each user probes at least.</param>
    /// <param name="keep">Items each user's candidate list keeps (k plus its exclusions).</param>
    public void Build(ReadOnlySpan<float> scores, int rowStride, int userCount, ReadOnlySpan<int> sizes, int probes, ReadOnlySpan<int> keep)
    {
        var items = 0L;
        foreach (var size in sizes) items += size;
        probes = Math.Clamp(probes, 1, _clusterCount);

        var taken = 0;
        for (var user = 0; user < userCount; user++)
        {
            _userOffsets[user] = taken;
            if (_userClusters.Length < taken + _clusterCount) Array.Resize(ref _userClusters, 2 * (taken + _clusterCount));
            var row = scores.Slice(user * rowStride, _clusterCount);
            var lead = (int)Math.Clamp((LeadMultiple * keep[user] * (long)_clusterCount + items - 1) / items, 1, probes);

            var ranked = Rank(row);
            ScoreKeys.SelectLargest(ranked, probes, _greater, _less);
            var best = ranked[..probes];
            var held = 0L;
            foreach (var key in best) held += sizes[ScoreKeys.Item(key)];
            if (held >= keep[user])
            {
                // Best first: the lead clusters, the best of the best, are the first ones.
                ScoreKeys.SortDescending(best, _greater);
                for (var i = 0; i < best.Length; i++) _userClusters[taken + i] = ScoreKeys.Item(best[i]);
                _leadEnds[user] = taken + lead;
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
            _leadEnds[user] = taken + Math.Min(lead, count);
            taken += count;
        }
        _userOffsets[userCount] = taken;

        Invert(0, userCount);
        Invert(1, userCount);
    }

    /// <summary>The clusters chunk-local <paramref name="user"/> probes, the lead ones first.</summary>
    public ReadOnlySpan<int> ClustersOf(int user) =>
        _userClusters.AsSpan(_userOffsets[user], _userOffsets[user + 1] - _userOffsets[user]);

    /// <summary>How many of <see cref="ClustersOf"/> are lead clusters.</summary>
    public int LeadCountOf(int user) => _leadEnds[user] - _userOffsets[user];

    /// <summary>The chunk-local users, ascending, that probe <paramref name="cluster"/> in <paramref name="phase"/> (0 lead, 1 the rest).</summary>
    public ReadOnlySpan<int> UsersOf(int phase, int cluster)
    {
        var offsets = _clusterOffsets[phase];
        return _clusterUsers[phase].AsSpan(offsets[cluster], offsets[cluster + 1] - offsets[cluster]);
    }

    /// <summary>Groups the users' probes of one phase by cluster (counting sort, users ascending within a cluster).</summary>
    private void Invert(int phase, int userCount)
    {
        var offsets = _clusterOffsets[phase].AsSpan();
        offsets.Clear();
        for (var user = 0; user < userCount; user++)
        {
            foreach (var cluster in PhaseOf(phase, user)) offsets[cluster + 1]++;
        }
        for (var cluster = 0; cluster < _clusterCount; cluster++) offsets[cluster + 1] += offsets[cluster];
        if (_clusterUsers[phase].Length < offsets[_clusterCount]) _clusterUsers[phase] = new int[2 * offsets[_clusterCount]];
        var users = _clusterUsers[phase];
        var fill = _fill.AsSpan();
        offsets[.._clusterCount].CopyTo(fill);
        for (var user = 0; user < userCount; user++)
        {
            foreach (var cluster in PhaseOf(phase, user)) users[fill[cluster]++] = user;
        }
    }

    private ReadOnlySpan<int> PhaseOf(int phase, int user) => phase == 0
        ? _userClusters.AsSpan(_userOffsets[user], _leadEnds[user] - _userOffsets[user])
        : _userClusters.AsSpan(_leadEnds[user], _userOffsets[user + 1] - _leadEnds[user]);

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
