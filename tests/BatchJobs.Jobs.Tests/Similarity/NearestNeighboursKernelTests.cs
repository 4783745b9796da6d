using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;
using BatchJobs.Jobs.Similarity;
using BatchJobs.Scoring.TopK;

namespace BatchJobs.Jobs.Tests.Similarity;

public class NearestNeighboursKernelTests
{
    private static readonly ColumnSpec[] Catalogue =
        [new("track_id", ColumnType.String, false), new("artist_id", ColumnType.String, false), new("vector", ColumnType.FloatList, false)];

    /// <summary>40 tracks with random 8-factor vectors, given in reverse id order to show the kernel orders by id.</summary>
    private static (string[] Ids, float[][] Vectors) Tracks()
    {
        var random = new Random(5);
        var ids = Enumerable.Range(0, 40).Select(i => $"t{i:00}").Reverse().ToArray();
        return (ids, ids.Select(_ => Enumerable.Range(0, 8).Select(_ => (float)random.NextDouble() - 0.5f).ToArray()).ToArray());
    }

    [Test]
    public void Each_item_of_a_group_gets_the_neighbours_the_whole_catalogue_cosine_top_k_gives()
    {
        var (ids, vectors) = Tracks();
        var artists = ids.Select(id => "a" + id[^1]).ToArray();
        var side = new SideInputs(new Dictionary<string, Apache.Arrow.RecordBatch> { ["track_embeddings"] = ArrowColumns.Batch(Catalogue, ids.Length, [ids, artists, vectors]) });
        var kernel = new NearestNeighboursKernel("track_id", "similar_track_id", "similar_artist_id", "track_embeddings", 5, TopKMode.Exact);
        var group = ArrowColumns.Batch([new("track_id", ColumnType.String, false)], 2, [new[] { "t03", "t17" }]);

        var rows = kernel.Apply(group, side);

        var sortedIds = ids.Order(StringComparer.Ordinal).ToArray();
        var sortedVectors = sortedIds.Select(id => vectors[Array.IndexOf(ids, id)]).SelectMany(v => v).ToArray();
        var oracle = CosineTopK.Score(new FactorMatrix(sortedVectors, 40, 8), new TopKOptions { K = 5 });
        var expected = new[] { 3, 17 }.SelectMany(q => oracle.ItemsOf(q).ToArray().Select(i => sortedIds[i])).ToArray();
        Assert.That(rows.Strings("similar_track_id"), Is.EqualTo(expected));
        Assert.That(rows.Strings("track_id"), Is.EqualTo(Enumerable.Repeat("t03", 5).Concat(Enumerable.Repeat("t17", 5))));
        Assert.That(rows.Int32s("rank").ToArray(), Is.EqualTo(new[] { 1, 2, 3, 4, 5, 1, 2, 3, 4, 5 }));
        Assert.That(rows.Strings("similar_artist_id"), Is.EqualTo(expected.Select(id => "a" + id[^1])));
        Assert.That(rows.Strings("similar_track_id").Take(5), Has.None.EqualTo("t03"));
        Assert.That(rows.Floats("score").ToArray().Take(5), Is.Ordered.Descending);
    }

    [Test]
    public void An_item_never_lists_itself_and_a_tiny_catalogue_gives_every_other_item()
    {
        var side = new SideInputs(new Dictionary<string, Apache.Arrow.RecordBatch>
        {
            ["artist_embeddings"] = ArrowColumns.Batch([new("artist_id", ColumnType.String, false), new("vector", ColumnType.FloatList, false)], 3,
                [new[] { "a1", "a2", "a3" }, new[] { new[] { 1f, 0f }, new[] { 1f, 1f }, new[] { -1f, 0f } }]),
        });
        var kernel = new NearestNeighboursKernel("artist_id", "similar_artist_id", null, "artist_embeddings", 50, TopKMode.Exact);

        var rows = kernel.Apply(ArrowColumns.Batch([new("artist_id", ColumnType.String, false)], 1, [new[] { "a1" }]), side);

        Assert.That(rows.Strings("similar_artist_id"), Is.EqualTo(new[] { "a2", "a3" }));
        Assert.That(rows.Floats("score").ToArray(), Is.EqualTo(new[] { MathF.Sqrt(0.5f), -1f }).Within(1e-6f));
        Assert.That(rows.Schema.FieldsList.Select(f => f.Name), Is.EqualTo(new[] { "artist_id", "rank", "similar_artist_id", "score" }));
    }
}
