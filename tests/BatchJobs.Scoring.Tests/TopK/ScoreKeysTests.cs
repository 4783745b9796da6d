using System.Runtime.Intrinsics;
using BatchJobs.Scoring.TopK;

namespace BatchJobs.Scoring.Tests.TopK;

public class ScoreKeysTests
{
    [Test]
    public void Key_order_is_score_descending_then_item_ascending()
    {
        float[] scores = [float.NegativeInfinity, -3.5f, -1e-30f, -0f, 0f, 1e-30f, 2f, 2f, float.MaxValue, float.PositiveInfinity];
        int[] items = [4, 9, 2, 7, 7, 1, 8, 3, 0, 5];
        var keys = scores.Select((s, i) => ScoreKeys.Create(s, items[i])).ToArray();

        for (var i = 0; i + 1 < keys.Length; i++)
        {
            Assert.That(keys[i + 1], Is.GreaterThan(keys[i]), $"pair {i}");
        }
        Assert.That(ScoreKeys.Create(2f, 3), Is.GreaterThan(ScoreKeys.Create(2f, 8)), "the lower item wins a tie");
        for (var i = 0; i < keys.Length; i++)
        {
            Assert.That(BitConverter.SingleToInt32Bits(ScoreKeys.Score(keys[i])), Is.EqualTo(BitConverter.SingleToInt32Bits(scores[i])));
            Assert.That(ScoreKeys.Item(keys[i]), Is.EqualTo(items[i]));
        }
    }

    // Ranked in one to eight vectors (a partial last one included), then sorted by radix or comparison.
    [TestCase(1)]
    [TestCase(7)]
    [TestCase(8)]
    [TestCase(32)]
    [TestCase(41)]
    [TestCase(64)]
    [TestCase(65)]
    [TestCase(300)]
    public void Sorting_descending_agrees_with_a_full_sort(int length)
    {
        var random = new Random(length);
        var keys = Enumerable.Range(0, length).Select(i => ScoreKeys.Create((float)random.NextDouble(), random.Next(1_000_000))).Distinct().ToArray();
        var expected = keys.OrderDescending().ToArray();

        ScoreKeys.SortDescending(keys, new ulong[keys.Length]);

        Assert.That(keys, Is.EqualTo(expected));
    }

    [Test]
    public void Selection_agrees_with_a_full_sort([Range(0, 257, 1)] int length)
    {
        var random = new Random(length);
        var keys = DistinctKeys(random, length);
        var sorted = keys.OrderBy(k => k).ToArray();
        var scratchA = new ulong[length + 8];
        var scratchB = new ulong[length + 8];

        var count = length == 0 ? 0 : random.Next(1, length + 1);
        var selected = keys.ToArray();
        ScoreKeys.SelectLargest(selected, count, scratchA, scratchB);
        Assert.That(selected.Take(count).OrderBy(k => k), Is.EqualTo(sorted.Skip(length - count)), "SelectLargest");

        var kept = keys.ToArray();
        var most = count + (length - count) / 3;
        var keptCount = ScoreKeys.KeepAtLeast(kept, count, most, scratchA, scratchB);
        Assert.That(keptCount, Is.InRange(count, most), "KeepAtLeast count");
        Assert.That(kept.Take(keptCount).OrderBy(k => k), Is.EqualTo(sorted.Skip(length - keptCount)), "KeepAtLeast");
    }

    // A window of an eighth of what is kept, as when the approximate mode tightens a list, over keys in random
    // order and over keys already ordered (a pivot drawn from ordered samples misses in a known direction).
    [TestCase(1236, 550, false)]
    [TestCase(1236, 550, true)]
    [TestCase(5000, 37, false)]
    [TestCase(700, 600, true)]
    public void Keeping_at_least_count_lands_in_a_narrow_window(int length, int count, bool ordered)
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed);
            var keys = DistinctKeys(random, length);
            if (ordered) Array.Sort(keys);
            var sorted = keys.OrderBy(k => k).ToArray();
            var most = count + count / 8;

            var kept = keys.ToArray();
            var keptCount = ScoreKeys.KeepAtLeast(kept, count, most, new ulong[length + 8], new ulong[length + 8]);

            Assert.That(keptCount, Is.InRange(count, most), $"seed {seed}");
            Assert.That(kept.Take(keptCount).OrderBy(k => k), Is.EqualTo(sorted.Skip(length - keptCount)), $"seed {seed}");
        }
    }

    [Test]
    public void Selection_among_a_few_keys_agrees_with_a_full_sort_for_every_count()
    {
        // Up to 32 keys are selected without partitioning; cover every length and count there, with keys
        // at both ends of the range so that no stray lane can pass for one.
        var random = new Random(5);
        for (var length = 1; length <= 32; length++)
        {
            var keys = DistinctKeys(random, length);
            keys[0] = ulong.MaxValue;
            if (length > 1) keys[^1] = 0;
            random.Shuffle(keys);
            var sorted = keys.OrderBy(k => k).ToArray();
            for (var count = 1; count <= length; count++)
            {
                var selected = keys.ToArray();
                ScoreKeys.SelectLargest(selected, count, new ulong[length + 8], new ulong[length + 8]);
                Assert.That(selected.Take(count).OrderBy(k => k), Is.EqualTo(sorted.Skip(length - count)), $"{count} of {length}");
            }
        }
    }

    [TestCase(300, false)]
    [TestCase(2000, false)]
    [TestCase(300, true)]
    [TestCase(5000, true)]
    public void Sorting_agrees_with_a_full_sort(int length, bool continuous)
    {
        var random = new Random(length);
        var keys = continuous
            ? Enumerable.Range(0, length).Select(i => ScoreKeys.Create((float)(random.NextDouble() * 50 - 10), i)).ToArray()
            : DistinctKeys(random, length);
        var sorted = keys.OrderBy(k => k).ToArray();

        ScoreKeys.Sort(keys, new ulong[length]);

        Assert.That(keys, Is.EqualTo(sorted));
    }

    [Test]
    public void Sorting_copes_with_an_outlying_score_and_many_ties()
    {
        // One huge score makes every other key share the 16 radix bits, so the insertion pass runs out of its
        // budget and the fallback sort must finish; many equal scores must end up ordered by item.
        var random = new Random(12);
        var outlier = Enumerable.Range(0, 600).Select(i => ScoreKeys.Create(i == 300 ? 1e30f : (float)random.NextDouble(), i)).ToArray();
        var ties = Enumerable.Range(0, 600).Select(i => ScoreKeys.Create(random.Next(3), random.Next(100_000) * 600 + i)).ToArray();

        foreach (var keys in new[] { outlier, ties })
        {
            var sorted = keys.OrderBy(k => k).ToArray();
            ScoreKeys.Sort(keys, new ulong[keys.Length]);
            Assert.That(keys, Is.EqualTo(sorted));
        }
    }

    [Test]
    public void Splitting_sixteen_keys_gives_back_their_scores_and_items()
    {
        float[] scores = [float.NegativeInfinity, -3.5f, -1e-30f, -0f, 0f, 1e-30f, 2f, float.MaxValue, 7f, -7f, 1f, 3f, -2f, 5e10f, 0.5f, -0.25f];
        var items = Enumerable.Range(0, 16).Select(i => i * 7919 + 1).ToArray();
        var keys = scores.Select((s, i) => ScoreKeys.Create(s, items[i])).ToArray();

        var (splitScores, splitItems) = ScoreKeys.Split(Vector512.Create(keys.AsSpan(0, 8)), Vector512.Create(keys.AsSpan(8, 8)));

        for (var lane = 0; lane < 16; lane++)
        {
            Assert.That(BitConverter.SingleToInt32Bits(splitScores[lane]), Is.EqualTo(BitConverter.SingleToInt32Bits(scores[lane])), $"lane {lane}");
            Assert.That(splitItems[lane], Is.EqualTo(items[lane]), $"lane {lane}");
        }
    }

    [Test]
    public void Selection_handles_keys_already_in_order()
    {
        var ascending = Enumerable.Range(0, 1000).Select(i => ScoreKeys.Create(i, 0)).ToArray();
        var descending = ascending.Reverse().ToArray();
        var scratchA = new ulong[1008];
        var scratchB = new ulong[1008];

        ScoreKeys.SelectLargest(ascending, 500, scratchA, scratchB);
        ScoreKeys.SelectLargest(descending, 500, scratchA, scratchB);

        Assert.That(ascending.Take(500).Min(), Is.EqualTo(ScoreKeys.Create(500, 0)));
        Assert.That(descending.Take(500).Min(), Is.EqualTo(ScoreKeys.Create(500, 0)));
    }

    private static ulong[] DistinctKeys(Random random, int length)
    {
        var keys = new HashSet<ulong>();
        // Few distinct scores, so that many keys differ only in the item half.
        while (keys.Count < length) keys.Add(ScoreKeys.Create(random.Next(-20, 20) * 0.5f, random.Next(100_000)));
        return keys.ToArray();
    }
}
