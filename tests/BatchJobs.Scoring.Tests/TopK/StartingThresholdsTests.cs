using BatchJobs.Scoring.TopK;

namespace BatchJobs.Scoring.Tests.TopK;

public class StartingThresholdsTests
{
    [Test]
    public void Calibrates_to_the_offset_that_all_but_one_in_a_hundred_of_the_sample_reach()
    {
        // 300 offsets 0.00 .. 2.99, shuffled: 1 % of 300 is 3, so the fourth lowest (0.03) is the multiple.
        var offsets = Enumerable.Range(0, 300).Select(i => i / 100f).OrderBy(o => (o * 7919) % 1).ToArray();

        var starts = StartingThresholds.Calibrate(rank: 4, offsets);

        Assert.That(starts.Rank, Is.EqualTo(4));
        Assert.That(starts.NormMultiple, Is.EqualTo(0.03f));
    }

    [Test]
    public void Starts_above_the_ranked_probed_cluster_by_the_multiple_of_the_norm()
    {
        var starts = new StartingThresholds(rank: 2, normMultiple: 0.5f);
        float[] centroidScores = [1, 7, 3, -4];

        // Probed best first: clusters 1, 2, 0; the second is cluster 2.
        Assert.That(starts.For([1, 2, 0], centroidScores, norm: 4), Is.EqualTo(3 + 0.5f * 4));
        // A user probing fewer clusters than the rank starts from its last one.
        Assert.That(starts.For([3], centroidScores, norm: 2), Is.EqualTo(-4 + 0.5f * 2));
    }

    [TestCase(1, 1)]
    [TestCase(3, 1)]
    [TestCase(32, 16)]
    public void Predicts_from_the_middle_probe(int probes, int rank) =>
        Assert.That(StartingThresholds.RankFor(probes), Is.EqualTo(rank));

    [Test]
    public void Refuses_an_empty_sample() =>
        Assert.That(() => StartingThresholds.Calibrate(1, Span<float>.Empty), Throws.ArgumentException.With.Message.Contains("at least one sampled user"));
}
