using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BatchJobs.Scoring.TopK;

/// <summary>
/// The running top-k of a chunk of users: per user an append-only buffer of (score, item) candidates that is
/// cut back to the best few whenever it fills, and the threshold a score must reach to be appended.
/// </summary>
/// <remarks>
/// <para>Cutting a buffer back once per <c>keep</c> appends costs amortised O(1) per candidate (a vectorised
/// quickselect), where a binary heap costs O(log k) per candidate; appends themselves are vector
/// compress-stores from the kernel. The threshold lags the true k-th best between cuts, which only lets a few
/// more candidates in.</para>
/// <para>Exclusions are not looked up per candidate: a user with <c>e</c> excluded items keeps its best
/// <c>k + e</c> items (excluded or not), which must contain its best k eligible ones, and drops the excluded
/// ones only when the list is drained.</para>
/// <para>One instance per worker, reused for every chunk; buffers are pinned so the kernel sink can address
/// them by pointer. One extra list, <see cref="PaddingUser"/>, takes the rows of a kernel tile that hold no
/// user, so the sink needs no test for them.</para>
/// </remarks>
internal sealed unsafe class CandidateLists
{
    /// <summary>
    /// A user's buffer holds this many times what it keeps: larger buffers cut back less often (each cut-back
    /// is a pass over the buffer) but let the threshold lag further behind.
    /// </summary>
    private const int BufferMultiple = 4;

    /// <summary>The smallest buffer, so that a tiny k (nearest centroid) does not cut back after every tile.</summary>
    private const int MinimumBuffer = 4 * TileKernel.Columns;

    /// <summary>Room past a full buffer: a tile row stores up to one tile width before the fill check.</summary>
    private const int Slack = TileKernel.Columns;

    private readonly int _k;
    private readonly int _itemCount;
    private readonly ExclusionLists? _exclusions;
    private readonly bool _excludeSelf;
    private readonly int[] _offsets;
    private readonly int[] _counts;
    private readonly int[] _keep;
    private readonly int[] _fillAt;
    private readonly ulong[] _excluded;
    private float[] _scores = [];
    private int[] _items = [];
    private ulong[] _keys = [];
    private ulong[] _greater = [];
    private ulong[] _less = [];
    private int _firstUser;
    private int _userCount;

    /// <summary>Lists for chunks of up to <paramref name="maxUsers"/> users, keeping <paramref name="k"/> items each.</summary>
    public CandidateLists(int maxUsers, int k, int itemCount, ExclusionLists? exclusions, bool excludeSelf)
    {
        _k = k;
        _itemCount = itemCount;
        _exclusions = exclusions;
        _excludeSelf = excludeSelf;
        PaddingUser = maxUsers;
        _offsets = GC.AllocateArray<int>(maxUsers + 2, pinned: true);
        _counts = GC.AllocateArray<int>(maxUsers + 1, pinned: true);
        _keep = new int[maxUsers + 1];
        _fillAt = GC.AllocateArray<int>(maxUsers + 1, pinned: true);
        _excluded = new ulong[(itemCount + 63) / 64];
        // Padded to whole kernel rows, so a kernel call can always read a full row of thresholds.
        Thresholds = GC.AllocateArray<float>(
            (maxUsers + TileKernel.Rows) / TileKernel.Rows * TileKernel.Rows, pinned: true);
    }

    /// <summary>Per chunk user, how many candidates its list keeps: k plus its exclusions, at most the catalogue.</summary>
    public ReadOnlySpan<int> Keep => _keep;

    /// <summary>The list that tile rows without a user write to; it is never drained.</summary>
    public int PaddingUser { get; }

    /// <summary>
    /// Per user, the lowest score still worth appending: -infinity (or where <see cref="Start"/> put it) until the
    /// buffer first fills, +infinity for slots beyond the chunk's users. Pinned.
    /// </summary>
    public float[] Thresholds { get; }

    /// <summary>Start of each user's buffer within <see cref="ScoreBuffer"/> and <see cref="ItemBuffer"/>.</summary>
    public int* Offsets => (int*)Unsafe.AsPointer(ref _offsets[0]);

    /// <summary>Candidates in each user's buffer.</summary>
    public int* Counts => (int*)Unsafe.AsPointer(ref _counts[0]);

    /// <summary>Per user, the count at which its buffer must be cut back (<see cref="CutBack"/>).</summary>
    public int* FillAt => (int*)Unsafe.AsPointer(ref _fillAt[0]);

    /// <summary>Candidate scores of all buffers; valid until the next <see cref="Reset"/>.</summary>
    public float* ScoreBuffer => (float*)Unsafe.AsPointer(ref _scores[0]);

    /// <summary>Candidate items, parallel to <see cref="ScoreBuffer"/>.</summary>
    public int* ItemBuffer => (int*)Unsafe.AsPointer(ref _items[0]);

    /// <summary>Empties the lists for users <paramref name="firstUser"/> .. + <paramref name="userCount"/>.</summary>
    public void Reset(int firstUser, int userCount)
    {
        _firstUser = firstUser;
        _userCount = userCount;
        var total = 0;
        var largest = 0;
        for (var user = 0; user <= userCount; user++)
        {
            // The last list is the padding one, placed right after the chunk's users.
            var slot = user < userCount ? user : PaddingUser;
            var excluded = user < userCount ? (_exclusions?.For(firstUser + user).Length ?? 0) + (_excludeSelf ? 1 : 0) : 0;
            var keep = (int)Math.Min((long)_k + excluded, _itemCount);
            var fillAt = Math.Max(BufferMultiple * keep, MinimumBuffer);
            _keep[slot] = keep;
            _fillAt[slot] = fillAt;
            _offsets[slot] = total;
            _counts[slot] = 0;
            total += fillAt + Slack;
            largest = Math.Max(largest, fillAt + Slack);
        }
        if (_scores.Length < total)
        {
            _scores = GC.AllocateUninitializedArray<float>(total, pinned: true);
            _items = GC.AllocateUninitializedArray<int>(total, pinned: true);
            HugePages.Advise(_scores);
            HugePages.Advise(_items);
        }
        if (_keys.Length < largest)
        {
            _keys = new ulong[largest];
            _greater = new ulong[largest + 8];
            _less = new ulong[largest + 8];
        }
        Thresholds.AsSpan(0, userCount).Fill(float.NegativeInfinity);
        Thresholds.AsSpan(userCount).Fill(float.PositiveInfinity);
    }

    /// <summary>Cuts <paramref name="user"/>'s buffer back to its best candidates and raises its threshold.</summary>
    public void CutBack(int user)
    {
        // Keeping up to half the buffer saves most of an exact selection and still frees the other half.
        var keep = _keep[user];
        var keys = LoadKeys(user);
        StoreKeys(user, keys[..ScoreKeys.KeepAtLeast(keys, keep, _fillAt[user] / 2, _greater, _less)]);
    }

    /// <summary>
    /// Sets where <paramref name="user"/>'s list starts: appends only scores of at least
    /// <paramref name="threshold"/> (<see cref="float.NegativeInfinity"/>: any).
    /// </summary>
    /// <remarks>
    /// A list started above the k-th best of what is then scored holds fewer than <see cref="Keep"/> candidates at
    /// the end (<see cref="IsShort"/>) and must be started again lower.
    /// </remarks>
    public void Start(int user, float threshold)
    {
        _counts[user] = 0;
        Thresholds[user] = threshold;
    }

    /// <summary>Whether <paramref name="user"/>'s list holds fewer candidates than it keeps.</summary>
    public bool IsShort(int user) => _counts[user] < _keep[user];

    /// <summary>The score of the <see cref="Keep"/>-th best of <paramref name="user"/>'s candidates; the list must not be short.</summary>
    public float LowestKept(int user)
    {
        var keep = _keep[user];
        var keys = LoadKeys(user);
        ScoreKeys.SelectLargest(keys, keep, _greater, _less);
        var lowest = ulong.MaxValue;
        foreach (var key in keys[..keep]) lowest = Math.Min(lowest, key);
        return ScoreKeys.Score(lowest);
    }

    /// <summary>
    /// Asks for the candidates of the chunk's user after <paramref name="user"/> to be brought into the L1 cache,
    /// so that draining the lists one user after another does not wait on memory.
    /// </summary>
    /// <remarks>
    /// A chunk's lists (megabytes) are written tile by tile across all its users, so by the time they are
    /// drained one after another they have left the caches; each list is two short streams that the
    /// hardware prefetcher only catches once they are under way.
    /// </remarks>
    private void PrefetchNext(int user)
    {
        if (!Sse.IsSupported || ++user >= _userCount) return;
        var count = _counts[user];
        var scores = ScoreBuffer + _offsets[user];
        var items = ItemBuffer + _offsets[user];
        const int valuesPerLine = 64 / sizeof(float);
        for (var i = 0; i < count; i += valuesPerLine)
        {
            Sse.Prefetch0(scores + i);
            Sse.Prefetch0(items + i);
        }
    }

    /// <summary>
    /// Writes <paramref name="user"/>'s best eligible items, best first, into the spans and returns how many
    /// there are (fewer than k when fewer were eligible).
    /// </summary>
    public int Drain(int user, Span<int> items, Span<float> scores)
    {
        PrefetchNext(user);
        // Up to an eighth more than it keeps is sorted: an exact selection would take about two more passes
        // over the list than sorting the extra keys costs, and the best eligible items are the same.
        var keep = _keep[user];
        var keys = LoadKeys(user);
        keys = keys[..ScoreKeys.KeepAtLeast(keys, keep, keep + keep / 8, _greater, _less)];
        ScoreKeys.Sort(keys, _greater);

        var globalUser = _firstUser + user;
        var excluded = _exclusions is null ? default : _exclusions.For(globalUser);
        foreach (var item in excluded) _excluded[item >> 6] |= 1UL << item;
        if (_excludeSelf) _excluded[globalUser >> 6] |= 1UL << globalUser;
        var count = WriteEligible(keys, items, scores, out var left);
        for (var i = left - 1; i >= 0 && count < _k; i--)
        {
            var item = ScoreKeys.Item(keys[i]);
            if ((_excluded[item >> 6] & (1UL << item)) != 0) continue;
            items[count] = item;
            scores[count] = ScoreKeys.Score(keys[i]);
            count++;
        }
        foreach (var item in excluded) _excluded[item >> 6] = 0;
        if (_excludeSelf) _excluded[globalUser >> 6] = 0;
        return count;
    }

    /// <summary>
    /// Writes the items and scores of the not excluded keys, from the last of the ascending
    /// <paramref name="keys"/> down, 16 keys at a time while a whole vector still fits; returns how many were
    /// written and, in <paramref name="left"/>, how many keys at the front are still to be looked at.
    /// </summary>
    /// <remarks>
    /// Each key's exclusion bit is gathered and the eligible ones compress-stored: a branch per key mispredicts
    /// at every excluded item and caps the scalar loop at one key per step.
    /// </remarks>
    private int WriteEligible(ReadOnlySpan<ulong> keys, Span<int> items, Span<float> scores, out int left)
    {
        left = keys.Length;
        var count = 0;
        var limit = Math.Min(_k, items.Length);
        if (!Avx512F.IsSupported || !Avx2.IsSupported) return 0;
        fixed (ulong* source = keys)
        fixed (ulong* excluded = _excluded)
        fixed (int* itemOut = items)
        fixed (float* scoreOut = scores)
        {
            var descending = Vector512.Create(7UL, 6, 5, 4, 3, 2, 1, 0);
            while (left >= 16 && count + 16 <= limit)
            {
                left -= 16;
                var (score, item) = ScoreKeys.Split(
                    Vector512.Shuffle(Vector512.Load(source + left + 8), descending),
                    Vector512.Shuffle(Vector512.Load(source + left), descending));
                // The bitset read as 32-bit words: item i is bit i % 32 of word i / 32.
                var word = Vector512.ShiftRightLogical(item, 5);
                var words = Vector512.Create(
                    Avx2.GatherVector256((int*)excluded, word.GetLower(), sizeof(int)),
                    Avx2.GatherVector256((int*)excluded, word.GetUpper(), sizeof(int))).AsUInt32();
                var bits = Avx512F.ShiftRightLogicalVariable(words, (item & Vector512.Create(31)).AsUInt32());
                var eligible = Vector512.Equals(bits & Vector512<uint>.One, Vector512<uint>.Zero).AsInt32();
                Avx512F.Compress(Vector512<int>.Zero, eligible, item).Store(itemOut + count);
                Avx512F.Compress(Vector512<float>.Zero, eligible.AsSingle(), score).Store(scoreOut + count);
                count += BitOperations.PopCount(eligible.ExtractMostSignificantBits());
            }
        }
        return count;
    }

    /// <summary>
    /// Makes <paramref name="keys"/> (non-empty) <paramref name="user"/>'s candidates and raises its threshold to the
    /// lowest of them.
    /// </summary>
    private void StoreKeys(int user, ReadOnlySpan<ulong> keys)
    {
        var offset = _offsets[user];
        var lowest = ulong.MaxValue;
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            fixed (ulong* source = keys)
            fixed (float* scores = &_scores[offset])
            fixed (int* items = &_items[offset])
            {
                var lowestVector = Vector512<ulong>.AllBitsSet;
                for (; i + 16 <= keys.Length; i += 16)
                {
                    var low = Vector512.Load(source + i);
                    var high = Vector512.Load(source + i + 8);
                    lowestVector = Vector512.Min(lowestVector, Vector512.Min(low, high));
                    var (score, item) = ScoreKeys.Split(low, high);
                    score.Store(scores + i);
                    item.Store(items + i);
                }
                for (var lane = 0; lane < 8; lane++) lowest = Math.Min(lowest, lowestVector[lane]);
            }
        }
        for (; i < keys.Length; i++)
        {
            var key = keys[i];
            lowest = Math.Min(lowest, key);
            _scores[offset + i] = ScoreKeys.Score(key);
            _items[offset + i] = ScoreKeys.Item(key);
        }
        _counts[user] = keys.Length;
        Thresholds[user] = ScoreKeys.Score(lowest);
    }

    /// <summary>The keys (<see cref="ScoreKeys.Create(float, int)"/>) of <paramref name="user"/>'s candidates, in scratch.</summary>
    private Span<ulong> LoadKeys(int user)
    {
        var count = _counts[user];
        var offset = _offsets[user];
        var keys = _keys.AsSpan(0, count);
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            fixed (float* scores = &_scores[offset])
            fixed (int* items = &_items[offset])
            fixed (ulong* destination = keys)
            {
                for (; i + 16 <= count; i += 16)
                {
                    var (low, high) = ScoreKeys.Create(Vector512.Load(scores + i), Vector512.Load(items + i));
                    low.Store(destination + i);
                    high.Store(destination + i + 8);
                }
            }
        }
        for (; i < count; i++) keys[i] = ScoreKeys.Create(_scores[offset + i], _items[offset + i]);
        return keys;
    }
}
