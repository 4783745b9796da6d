using BatchJobs.Scoring.TopK;

namespace BatchJobs.Scoring.Tests.TopK;

public class ExclusionListsTests
{
    [Test]
    public void Sorts_each_users_items_and_answers_membership()
    {
        var lists = new ExclusionLists([0, 3, 3, 5], [9, 2, 5, 7, 7]);

        Assert.That(lists.UserCount, Is.EqualTo(3));
        Assert.That(lists.Count, Is.EqualTo(5));
        Assert.That(lists.For(0).ToArray(), Is.EqualTo(new[] { 2, 5, 9 }));
        Assert.That(lists.For(1).ToArray(), Is.Empty);
        Assert.That(lists.Contains(0, 5), Is.True);
        Assert.That(lists.Contains(0, 7), Is.False);
        Assert.That(lists.Contains(2, 7), Is.True);
    }

    [Test]
    public void Copies_its_input()
    {
        int[] items = [4, 1];
        var lists = new ExclusionLists([0, 2], items);

        items[0] = 3;

        Assert.That(lists.For(0).ToArray(), Is.EqualTo(new[] { 1, 4 }));
    }

    [TestCase(new int[0], new int[0], "one entry per user")]
    [TestCase(new[] { 1, 2 }, new[] { 0, 1 }, "offsets[0] is 1")]
    [TestCase(new[] { 0, 2, 1 }, new[] { 0, 1 }, "offsets[2] = 1 is less than offsets[1] = 2")]
    [TestCase(new[] { 0, 1 }, new[] { 0, 1 }, "The last offset is 1 but there are 2 items")]
    public void Rejects_offsets_that_are_not_compressed_sparse_rows(int[] offsets, int[] items, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => _ = new ExclusionLists(offsets, items));
        Assert.That(error!.Message, Does.Contain(message));
    }
}
