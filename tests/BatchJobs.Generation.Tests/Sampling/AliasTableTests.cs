using BatchJobs.Generation.Sampling;

namespace BatchJobs.Generation.Tests.Sampling;

public sealed class AliasTableTests
{
    [Test]
    public void Items_are_drawn_in_proportion_to_their_weights_and_zero_weights_never()
    {
        double[] weights = [1, 2, 3, 4, 0, 10];
        int[] items = [100, 101, 102, 103, 104, 105];
        var table = AliasTable.Create(weights, items);
        var rng = Rng.Create(3, SeedStream.Tracks);
        var counts = new Dictionary<int, int>();
        const int n = 400_000;
        for (int i = 0; i < n; i++)
        {
            int item = table.Sample(ref rng);
            counts[item] = counts.GetValueOrDefault(item) + 1;
        }

        Assert.That(counts.ContainsKey(104), Is.False);
        for (int i = 0; i < weights.Length; i++)
        {
            double expected = weights[i] / weights.Sum();
            Assert.That((double)counts.GetValueOrDefault(items[i]) / n, Is.EqualTo(expected).Within(0.005), $"item {items[i]}");
        }
    }

    [Test]
    public void A_single_item_is_always_drawn()
    {
        var table = AliasTable.Create([0.5], [42]);
        var rng = Rng.Create(1, SeedStream.Tracks);
        for (int i = 0; i < 100; i++)
        {
            Assert.That(table.Sample(ref rng), Is.EqualTo(42));
        }
    }

    [Test]
    public void Invalid_weights_are_rejected()
    {
        Assert.That(() => AliasTable.Create([0.0, 0.0]), Throws.ArgumentException.With.Message.Contains("must not all be zero"));
        Assert.That(() => AliasTable.Create([1.0, -1.0]), Throws.ArgumentException.With.Message.Contains("non-negative"));
        Assert.That(() => AliasTable.Create([1.0, double.NaN]), Throws.ArgumentException);
        Assert.That(() => AliasTable.Create([1.0], [1, 2]), Throws.ArgumentException);
        Assert.That(() => AliasTable.Create(ReadOnlySpan<double>.Empty), Throws.ArgumentException);
    }
}
