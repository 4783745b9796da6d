using BatchJobs.Embeddings.Evaluation;
using BatchJobs.Embeddings.Sparse;

namespace BatchJobs.Embeddings.Tests.Evaluation;

public sealed class PopularityRecommenderTests
{
    [Test]
    public void Recommends_most_popular_unseen_items_with_ties_to_the_lower_index()
    {
        // Popularity: item 2 has 3 users, items 0 and 3 have 2 each, item 1 has 1, item 4 none.
        var train = CsrMatrix.FromTriples(4, 5,
            [0, 0, 1, 1, 2, 2, 3, 3],
            [2, 3, 2, 0, 2, 0, 1, 3],
            [1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f]);

        var lists = PopularityRecommender.Recommend(train, 3);

        Assert.That(lists.Row(0).ToArray(), Is.EqualTo(new[] { 0, 1, 4 }), "user 0 has seen 2 and 3");
        Assert.That(lists.Row(3).ToArray(), Is.EqualTo(new[] { 2, 0, 4 }), "user 3 has seen 1 and 3");
    }

    [Test]
    public void Pads_with_minus_one_when_the_catalogue_runs_out()
    {
        var train = CsrMatrix.FromTriples(1, 2, [0], [1], [1f]);
        Assert.That(PopularityRecommender.Recommend(train, 3).Row(0).ToArray(), Is.EqualTo(new[] { 0, -1, -1 }));
    }
}
