using BatchJobs.Scoring.TopK;

namespace BatchJobs.Scoring.Tests.TopK;

public unsafe class CandidateListsTests
{
    // Candidates up to the buffer capacity (4 k, at least 128).
    [TestCase(10, 100)]
    [TestCase(60, 230)]
    public void The_lowest_kept_score_is_the_keep_th_best_and_draining_returns_the_best(int k, int candidates)
    {
        var random = new Random(k);
        var scores = Enumerable.Range(0, candidates).Select(_ => (float)random.NextDouble()).ToArray();
        var lists = Filled(k, scores);

        var best = scores.Select((s, i) => (Score: s, Item: i * 3)).OrderByDescending(c => c.Score).ThenBy(c => c.Item).ToArray();
        Assert.That(lists.IsShort(0), Is.False);
        Assert.That(lists.LowestKept(0), Is.EqualTo(best[k - 1].Score));

        var items = new int[k];
        var top = new float[k];
        Assert.That(lists.Drain(0, items, top), Is.EqualTo(k));
        Assert.That(items, Is.EqualTo(best.Take(k).Select(c => c.Item)));
    }

    [Test]
    public void Starting_a_list_empties_it_and_sets_its_threshold()
    {
        var lists = Filled(10, Enumerable.Range(0, 40).Select(i => (float)i).ToArray());

        lists.Start(0, 2.5f);

        Assert.That(lists.Counts[0], Is.EqualTo(0));
        Assert.That(lists.Thresholds[0], Is.EqualTo(2.5f));
        Assert.That(lists.IsShort(0), Is.True, "an empty list holds fewer than the 10 it keeps");
    }

    [Test]
    public void A_list_holding_fewer_candidates_than_it_keeps_is_short()
    {
        Assert.That(Filled(10, Enumerable.Range(0, 9).Select(i => (float)i).ToArray()).IsShort(0), Is.True);
        Assert.That(Filled(10, Enumerable.Range(0, 10).Select(i => (float)i).ToArray()).IsShort(0), Is.False);
    }

    /// <summary>One user's list keeping <paramref name="k"/>, holding <paramref name="scores"/> for items 0, 3, 6, ...</summary>
    private static CandidateLists Filled(int k, float[] scores)
    {
        var lists = new CandidateLists(maxUsers: 1, k, itemCount: 10_000, exclusions: null, excludeSelf: false);
        lists.Reset(0, 1);
        for (var i = 0; i < scores.Length; i++)
        {
            lists.ScoreBuffer[lists.Offsets[0] + i] = scores[i];
            lists.ItemBuffer[lists.Offsets[0] + i] = i * 3;
        }
        lists.Counts[0] = scores.Length;
        return lists;
    }
}
