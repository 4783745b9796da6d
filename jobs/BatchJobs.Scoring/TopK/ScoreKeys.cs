using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BatchJobs.Scoring.TopK;

/// <summary>
/// Packs a (score, item) pair into one unsigned key whose natural order is the result order: higher score
/// first, then lower item index, and selects and sorts such keys. Candidates then sort and select as plain
/// integers, and ties are decided the same way whatever order the items were scored in.
/// </summary>
internal static unsafe class ScoreKeys
{
    /// <summary>Below this many keys, selection sorts instead of partitioning.</summary>
    private const int SortBelow = 32;

    /// <summary>The most keys <see cref="SortDescendingByRank"/> ranks: eight vectors of eight.</summary>
    private const int RankAtMost = 64;

    /// <summary>From this many keys on, <see cref="Sort"/> sorts by radix.</summary>
    private const int RadixFrom = 256;

    /// <summary>The key of (<paramref name="score"/>, <paramref name="item"/>); larger is better.</summary>
    public static ulong Create(float score, int item)
    {
        // Flipping the sign bit of positive floats and every bit of negative ones makes the IEEE bit pattern
        // increase with the value; the complemented item puts lower indices first among equal scores.
        var bits = BitConverter.SingleToUInt32Bits(score);
        var ordered = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
        return ((ulong)ordered << 32) | ~(uint)item;
    }

    /// <summary>The keys of 16 (score, item) pairs: lanes 0-7, then 8-15.</summary>
    public static (Vector512<ulong> Low, Vector512<ulong> High) Create(Vector512<float> scores, Vector512<int> items)
    {
        var bits = scores.AsUInt32();
        var ordered = bits ^ (Vector512.ShiftRightArithmetic(scores.AsInt32(), 31).AsUInt32() | Vector512.Create(0x8000_0000u));
        var (orderedLow, orderedHigh) = Vector512.Widen(ordered);
        var (itemsLow, itemsHigh) = Vector512.Widen(~items.AsUInt32());
        return (Vector512.ShiftLeft(orderedLow, 32) | itemsLow, Vector512.ShiftLeft(orderedHigh, 32) | itemsHigh);
    }

    /// <summary>The scores and items of 16 keys, lanes 0-7 then 8-15: the inverse of <see cref="Create(Vector512{float}, Vector512{int})"/>.</summary>
    public static (Vector512<float> Scores, Vector512<int> Items) Split(Vector512<ulong> low, Vector512<ulong> high)
    {
        var ordered = Vector512.Narrow(low >> 32, high >> 32);
        var sign = Vector512.ShiftRightArithmetic(ordered.AsInt32(), 31).AsUInt32();
        var bits = ordered ^ (~sign | Vector512.Create(0x8000_0000u));
        return (bits.AsSingle(), (~Vector512.Narrow(low, high)).AsInt32());
    }

    /// <summary>The score packed in <paramref name="key"/>, bit for bit.</summary>
    public static float Score(ulong key)
    {
        var ordered = (uint)(key >> 32);
        var bits = (ordered & 0x8000_0000u) != 0 ? ordered & 0x7FFF_FFFFu : ~ordered;
        return BitConverter.UInt32BitsToSingle(bits);
    }

    /// <summary>The item packed in <paramref name="key"/>.</summary>
    public static int Item(ulong key) => (int)~(uint)key;

    /// <summary>
    /// Moves the <paramref name="count"/> largest of <paramref name="keys"/> to the front, in no particular
    /// order; what is left after them is unspecified (keys may be lost or repeated). The keys must be
    /// distinct; <paramref name="greater"/> and <paramref name="less"/> are scratch of at least
    /// <c>keys.Length + 8</c> each. Expected linear time.
    /// </summary>
    public static void SelectLargest(Span<ulong> keys, int count, Span<ulong> greater, Span<ulong> less) =>
        KeepAtLeast(keys, count, count, greater, less);

    /// <summary>Moves the <paramref name="count"/> largest of at most <see cref="SortBelow"/> keys to the front.</summary>
    private static void SelectBySorting(Span<ulong> keys, int count)
    {
        // Selection sort for the first few (typically k = 1 for nearest-centroid), a full sort otherwise.
        if (count <= 4)
        {
            for (var i = 0; i < count; i++)
            {
                var best = i;
                for (var j = i + 1; j < keys.Length; j++) best = keys[j] > keys[best] ? j : best;
                (keys[i], keys[best]) = (keys[best], keys[i]);
            }
            return;
        }
        if (Vector512.IsHardwareAccelerated)
        {
            SortDescendingByRank(keys);
            return;
        }
        keys.Sort();
        keys.Reverse();
    }

    /// <summary>
    /// Sorts <paramref name="keys"/> descending; <paramref name="scratch"/> must be at least as long. A few
    /// keys (the clusters a user probes) are ranked without a branch on the data.
    /// </summary>
    public static void SortDescending(Span<ulong> keys, Span<ulong> scratch)
    {
        if (keys.Length <= RankAtMost && Vector512.IsHardwareAccelerated)
        {
            SortDescendingByRank(keys);
            return;
        }
        Sort(keys, scratch);
        keys.Reverse();
    }

    /// <summary>
    /// Sorts at most <see cref="RankAtMost"/> distinct keys descending: each key goes to its rank, the number of
    /// keys above it, counted against all of them a vector of eight at a time.
    /// </summary>
    /// <remarks>
    /// No comparison branches on the data, where a comparison sort of so few random keys mispredicts at about
    /// every other step; routing a chunk's users to clusters sorts each user's best clusters here.
    /// </remarks>
    private static void SortDescendingByRank(Span<ulong> keys)
    {
        // Padding with zeros counts for nothing: every key of an item is above zero (its low half is a
        // complemented non-negative index).
        var copy = stackalloc ulong[RankAtMost];
        new Span<ulong>(copy, RankAtMost).Clear();
        keys.CopyTo(new Span<ulong>(copy, RankAtMost));
        var vectors = (keys.Length + 7) / 8;
        for (var i = 0; i < keys.Length; i++)
        {
            var key = Vector512.Create(copy[i]);
            var above = 0;
            for (var v = 0; v < vectors; v++)
            {
                above += BitOperations.PopCount(Vector512.GreaterThan(Vector512.Load(copy + 8 * v), key).ExtractMostSignificantBits());
            }
            keys[above] = copy[i];
        }
    }

    /// <summary>
    /// Moves a prefix of the largest keys, at least <paramref name="count"/> and at most
    /// <paramref name="most"/> long, to the front and returns its length; what is left after it is
    /// unspecified. Cheaper than <see cref="SelectLargest"/> when the caller only needs to discard keys that cannot be
    /// among the <paramref name="count"/> largest: a quickselect that stops as soon as the keys known to be
    /// largest number anywhere in the window. Same preconditions as <see cref="SelectLargest"/>, which is the
    /// window of <paramref name="count"/> alone.
    /// </summary>
    /// <remarks>
    /// Partitions go out of place into the two scratch buffers: with AVX-512 a step is a compare and two
    /// compress-stores per 8 keys, with no data-dependent branch. Each pivot aims at the middle of what is left
    /// of the window, and a partition that misses it is not wasted: the side that must hold the boundary is
    /// searched next. Restarting an exact selection after a miss cost several passes, and a pivot from 16
    /// samples misses a window of an eighth of the keys kept about three times in four.
    /// </remarks>
    public static int KeepAtLeast(Span<ulong> keys, int count, int most, Span<ulong> greater, Span<ulong> less)
    {
        if (count <= 0) return 0;
        // keys[..kept] are kept; active, right after them, holds the keys still undecided.
        var kept = 0;
        var active = keys;
        while (kept + active.Length > most)
        {
            if (active.Length <= SortBelow)
            {
                SelectBySorting(active, count - kept);
                return count;
            }
            var pivot = ChoosePivot(active, (count + most) / 2 - kept);
            var above = Partition(active, pivot, greater, less);
            greater[..above].CopyTo(keys[kept..]);
            if (kept + above + 1 > most)
            {
                active = keys.Slice(kept, above);
                continue;
            }
            kept += above;
            keys[kept++] = pivot;
            if (kept >= count) return kept;
            var below = active.Length - above - 1;
            less[..below].CopyTo(keys[kept..]);
            active = keys.Slice(kept, below);
        }
        return kept + active.Length;
    }

    /// <summary>
    /// A pivot near the <paramref name="rank"/>-th largest of <paramref name="keys"/>, estimated from 16
    /// evenly spaced samples so that one partition usually leaves little to do.
    /// </summary>
    private static ulong ChoosePivot(ReadOnlySpan<ulong> keys, int rank)
    {
        const int samples = 16;
        var sample = stackalloc ulong[samples];
        var step = keys.Length / samples;
        for (var i = 0; i < samples; i++) sample[i] = keys[i * step + step / 2];
        // The sample with about rank / length of the samples above it, never an extreme one, so that both
        // sides of the partition shrink. Each sample's rank is counted rather than the samples sorted: the
        // counts are branch-free, a sort of random keys mispredicts at every other step.
        var wanted = Math.Clamp((int)((long)rank * samples / keys.Length), 1, samples - 2);
        var pivot = 0UL;
        if (Vector512.IsHardwareAccelerated)
        {
            var low = Vector512.Load(sample);
            var high = Vector512.Load(sample + 8);
            for (var i = 0; i < samples; i++)
            {
                var candidate = Vector512.Create(sample[i]);
                var above = BitOperations.PopCount(Vector512.GreaterThan(low, candidate).ExtractMostSignificantBits())
                    + BitOperations.PopCount(Vector512.GreaterThan(high, candidate).ExtractMostSignificantBits());
                pivot = above == wanted ? sample[i] : pivot;
            }
            return pivot;
        }
        for (var i = 0; i < samples; i++)
        {
            var above = 0;
            for (var j = 0; j < samples; j++) above += sample[j] > sample[i] ? 1 : 0;
            pivot = above == wanted ? sample[i] : pivot;
        }
        return pivot;
    }

    /// <summary>
    /// Copies the keys above <paramref name="pivot"/> to <paramref name="greater"/> and those below to
    /// <paramref name="less"/>, keeping neither copy of the pivot itself; returns how many are above.
    /// </summary>
    internal static int Partition(ReadOnlySpan<ulong> keys, ulong pivot, Span<ulong> greater, Span<ulong> less)
    {
        var above = 0;
        var belowCount = 0;
        var i = 0;
        if (Avx512F.IsSupported)
        {
            fixed (ulong* source = keys)
            fixed (ulong* high = greater)
            fixed (ulong* low = less)
            {
                var p = Vector512.Create(pivot);
                for (; i + 8 <= keys.Length; i += 8)
                {
                    var v = Vector512.Load(source + i);
                    var isAbove = Vector512.GreaterThan(v, p);
                    var isBelow = Vector512.LessThan(v, p);
                    Avx512F.Compress(Vector512<ulong>.Zero, isAbove, v).Store(high + above);
                    Avx512F.Compress(Vector512<ulong>.Zero, isBelow, v).Store(low + belowCount);
                    above += BitOperations.PopCount(isAbove.ExtractMostSignificantBits());
                    belowCount += BitOperations.PopCount(isBelow.ExtractMostSignificantBits());
                }
            }
        }
        for (; i < keys.Length; i++)
        {
            // Both writes happen, only one counter moves: no branch on the key.
            var key = keys[i];
            greater[above] = key;
            less[belowCount] = key;
            above += key > pivot ? 1 : 0;
            belowCount += key < pivot ? 1 : 0;
        }
        return above;
    }

    /// <summary>
    /// Sorts <paramref name="keys"/> ascending; <paramref name="scratch"/> must be at least as long.
    /// </summary>
    /// <remarks>
    /// From a few hundred keys on, a least-significant-digit radix sort on the 16 most significant bits that
    /// differ between the keys' scores (two byte-wide passes), then one insertion pass for the keys that share
    /// those bits (a few, when scores are spread out; runs of equal scores are ordered by item the same way).
    /// Best-of-a-catalogue scores span a narrow range, so their top bits are shared and a radix pass on every
    /// byte of the score would mostly move keys without ordering them. Should most keys share the 16 bits (one
    /// outlying score), the insertion pass runs out of its budget and the runtime's sort finishes instead. The
    /// runtime's introspective sort alone is as fast on random keys but several times slower on the partly
    /// ordered buffers that selection leaves, where it falls back to heap sort.
    /// </remarks>
    public static void Sort(Span<ulong> keys, Span<ulong> scratch)
    {
        // Below a few hundred keys, clearing and summing the counters costs more than comparing.
        if (keys.Length < RadixFrom)
        {
            keys.Sort();
            return;
        }
        var varying = VaryingScoreBits(keys);
        if (varying == 0)
        {
            keys.Sort();
            return;
        }
        var shift = 32 + Math.Max(0, BitOperations.Log2(varying) - 15);
        Span<int> counts = stackalloc int[2 * 256];
        counts.Clear();
        foreach (var key in keys)
        {
            var digit = (int)(key >> shift);
            counts[digit & 0xFF]++;
            counts[256 + ((digit >> 8) & 0xFF)]++;
        }
        var source = keys;
        var destination = scratch[..keys.Length];
        for (var pass = 0; pass < 2; pass++)
        {
            var histogram = counts.Slice(pass * 256, 256);
            var byteShift = shift + pass * 8;
            var sum = 0;
            for (var bucket = 0; bucket < 256; bucket++)
            {
                var size = histogram[bucket];
                histogram[bucket] = sum;
                sum += size;
            }
            foreach (var key in source) destination[histogram[(int)((key >> byteShift) & 0xFF)]++] = key;
            var swap = source;
            source = destination;
            destination = swap;
        }
        // Two passes leave the keys back in place, ordered by the 16 bits; keys sharing them are in input order.
        var budget = 4 * keys.Length;
        for (var i = 1; i < keys.Length; i++)
        {
            var key = keys[i];
            if (key >= keys[i - 1]) continue;
            var j = i - 1;
            do
            {
                keys[j + 1] = keys[j];
                j--;
                budget--;
            }
            while (j >= 0 && keys[j] > key);
            keys[j + 1] = key;
            if (budget < 0)
            {
                keys.Sort();
                return;
            }
        }
    }

    /// <summary>The bits of the score half in which some keys differ.</summary>
    private static uint VaryingScoreBits(ReadOnlySpan<ulong> keys)
    {
        var all = ulong.MaxValue;
        var any = 0UL;
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            fixed (ulong* source = keys)
            {
                var allVector = Vector512<ulong>.AllBitsSet;
                var anyVector = Vector512<ulong>.Zero;
                for (; i + 8 <= keys.Length; i += 8)
                {
                    var v = Vector512.Load(source + i);
                    allVector &= v;
                    anyVector |= v;
                }
                for (var lane = 0; lane < 8; lane++)
                {
                    all &= allVector[lane];
                    any |= anyVector[lane];
                }
            }
        }
        for (; i < keys.Length; i++)
        {
            all &= keys[i];
            any |= keys[i];
        }
        return (uint)((all ^ any) >> 32);
    }
}
