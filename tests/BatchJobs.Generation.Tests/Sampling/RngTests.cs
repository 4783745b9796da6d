using BatchJobs.Generation.Sampling;

namespace BatchJobs.Generation.Tests.Sampling;

public sealed class RngTests
{
    [Test]
    public void Equal_keys_give_equal_sequences_and_any_key_part_changes_them()
    {
        ulong[] reference = Draw(Rng.Create(1, SeedStream.UserDay, 2, 3));
        Assert.That(Draw(Rng.Create(1, SeedStream.UserDay, 2, 3)), Is.EqualTo(reference));
        Assert.That(Draw(Rng.Create(2, SeedStream.UserDay, 2, 3)), Is.Not.EqualTo(reference));
        Assert.That(Draw(Rng.Create(1, SeedStream.Users, 2, 3)), Is.Not.EqualTo(reference));
        Assert.That(Draw(Rng.Create(1, SeedStream.UserDay, 3, 3)), Is.Not.EqualTo(reference));
        Assert.That(Draw(Rng.Create(1, SeedStream.UserDay, 2, 4)), Is.Not.EqualTo(reference));
        Assert.That(Draw(Rng.Create(1, SeedStream.UserDay, 3, 2)), Is.Not.EqualTo(reference), "a and b are not interchangeable");
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(1000)]
    public void NextInt_covers_exactly_the_range(int n)
    {
        var rng = Rng.Create(5, SeedStream.Tracks);
        var seen = new HashSet<int>();
        for (int i = 0; i < 50 * n; i++)
        {
            int v = rng.NextInt(n);
            Assert.That(v, Is.InRange(0, n - 1));
            seen.Add(v);
        }

        Assert.That(seen, Has.Count.EqualTo(n));
    }

    [Test]
    public void Continuous_draws_have_the_expected_moments()
    {
        var rng = Rng.Create(9, SeedStream.Artists);
        const int n = 200_000;
        double sumU = 0, sumG = 0, sumG2 = 0, sumE = 0;
        for (int i = 0; i < n; i++)
        {
            double u = rng.NextDouble();
            Assert.That(u, Is.GreaterThanOrEqualTo(0).And.LessThan(1));
            sumU += u;
            double g = rng.NextGaussian();
            sumG += g;
            sumG2 += g * g;
            sumE += rng.NextExponential(3);
        }

        Assert.That(sumU / n, Is.EqualTo(0.5).Within(0.01));
        Assert.That(sumG / n, Is.EqualTo(0).Within(0.01));
        Assert.That(sumG2 / n, Is.EqualTo(1).Within(0.02));
        Assert.That(sumE / n, Is.EqualTo(3).Within(0.05));
    }

    [TestCase(0.0)]
    [TestCase(0.7)]
    [TestCase(4.0)]
    [TestCase(80.0)]
    public void Poisson_has_the_requested_mean(double mean)
    {
        var rng = Rng.Create(11, SeedStream.Albums);
        const int n = 50_000;
        long sum = 0;
        for (int i = 0; i < n; i++)
        {
            int k = rng.NextPoisson(mean);
            Assert.That(k, Is.GreaterThanOrEqualTo(0));
            sum += k;
        }

        Assert.That((double)sum / n, Is.EqualTo(mean).Within(0.02 * mean + 0.01));
    }

    private static ulong[] Draw(Rng rng)
    {
        var values = new ulong[8];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = rng.NextUInt64();
        }

        return values;
    }
}
