using BatchJobs.Scoring.TopK;

namespace BatchJobs.Scoring.Tests.TopK;

public unsafe class CandidateListsTests
{
    // Candidates up to the buffer capacity (4 k, at least 128).
    [TestCase(10, 100)]
    [TestCase(60, 230)]
    public void Tightening_keeps_the_best_candidates_and_raises_the_threshold(int k, int candidates)
    {
        var random = new Random(k);
        var scores = Enumerable.Range(0, candidates).Select(_ => (float)random.NextDouble()).ToArray();
        var lists = new CandidateLists(maxUsers: 1, k, itemCount: 10_000, exclusions: null, excludeSelf: false);
        lists.Reset(0, 1);
        for (var i = 0; i < candidates; i++)
        {
            lists.ScoreBuffer[lists.Offsets[0] + i] = scores[i];
            lists.ItemBuffer[lists.Offsets[0] + i] = i * 3;
        }
        lists.Counts[0] = candidates;

        lists.Tighten(0);

        var kept = lists.Counts[0];
        Assert.That(kept, Is.InRange(k, k + k / 8));
        var best = scores.Select((s, i) => (Score: s, Item: i * 3)).OrderByDescending(c => c.Score).ThenBy(c => c.Item).ToArray();
        Assert.That(lists.Thresholds[0], Is.EqualTo(best[kept - 1].Score), "the threshold is the lowest kept score");
        var keptItems = Enumerable.Range(0, kept).Select(i => lists.ItemBuffer[lists.Offsets[0] + i]).Order();
        Assert.That(keptItems, Is.EqualTo(best.Take(kept).Select(c => c.Item).Order()));

        var items = new int[k];
        var top = new float[k];
        Assert.That(lists.Drain(0, items, top), Is.EqualTo(k));
        Assert.That(items, Is.EqualTo(best.Take(k).Select(c => c.Item)));
    }

    [Test]
    public void Tightening_a_list_that_holds_no_more_than_it_keeps_changes_nothing()
    {
        var lists = new CandidateLists(maxUsers: 1, k: 10, itemCount: 100, exclusions: null, excludeSelf: false);
        lists.Reset(0, 1);
        for (var i = 0; i < 10; i++)
        {
            lists.ScoreBuffer[lists.Offsets[0] + i] = i;
            lists.ItemBuffer[lists.Offsets[0] + i] = i;
        }
        lists.Counts[0] = 10;

        lists.Tighten(0);

        Assert.That(lists.Counts[0], Is.EqualTo(10));
        Assert.That(lists.Thresholds[0], Is.EqualTo(float.NegativeInfinity));
    }
}
