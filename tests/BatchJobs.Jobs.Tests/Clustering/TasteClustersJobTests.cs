using Apache.Arrow;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;
using BatchJobs.Jobs.Clustering;

namespace BatchJobs.Jobs.Tests.Clustering;

public class TasteClustersJobTests
{
    private static SideInputs Catalogue(params (string Track, string Genre)[] tracks) => new(new Dictionary<string, RecordBatch>
    {
        ["tracks"] = ArrowColumns.Batch([new("track_id", ColumnType.String, false), new("genre", ColumnType.String, false)], tracks.Length,
            [tracks.Select(t => t.Track).ToArray(), tracks.Select(t => t.Genre).ToArray()]),
        ["artists"] = ArrowColumns.Batch([new("artist_id", ColumnType.String, false), new("name", ColumnType.String, false)], 2, [new[] { "a1", "a2" }, new[] { "Alpha", "Beta" }]),
    });

    [Test]
    public void The_kernel_clusters_every_track_and_labels_each_cluster_from_the_catalogue()
    {
        // Six tracks pointing two ways: t1-t3 along x (rock, by a1), t4-t6 along y (jazz, by a2; t6 is rock).
        string[] ids = ["t1", "t2", "t3", "t4", "t5", "t6"];
        float[][] vectors = [[1f, 0.1f], [1f, 0f], [0.9f, 0f], [0f, 1f], [0.1f, 1f], [0f, 0.8f]];
        var rows = ArrowColumns.Batch([new("track_id", ColumnType.String, false), new("artist_id", ColumnType.String, false), new("vector", ColumnType.FloatList, false)],
            6, [ids, new[] { "a1", "a1", "a1", "a2", "a2", "a2" }, vectors]);
        var kernel = new TasteClusterKernel(tracksPerCluster: 3, minClusters: 2, maxClusters: 10, maxIterations: 20, seed: 1, topArtists: 1);

        var fit = kernel.Apply(rows, Catalogue(("t1", "rock"), ("t2", "rock"), ("t3", "rock"), ("t4", "jazz"), ("t5", "jazz"), ("t6", "rock")));

        var kinds = fit.Strings("kind");
        var clusters = fit.Int32s("cluster_id").ToArray();
        Assert.That(kinds, Is.EqualTo(new[] { "track", "track", "track", "track", "track", "track", "cluster", "cluster" }));
        Assert.That(clusters[..3].Distinct().Count(), Is.EqualTo(1), "the x tracks share a cluster");
        Assert.That(clusters[3..6].Distinct().Count(), Is.EqualTo(1), "the y tracks share a cluster");
        Assert.That(clusters[0], Is.Not.EqualTo(clusters[3]));
        var labels = fit.Strings("label");
        var xLabel = labels[6 + clusters[0]];
        Assert.That(xLabel, Is.EqualTo("rock · Alpha"));
        Assert.That(labels[6 + clusters[3]], Is.EqualTo("jazz · Beta"));
        Assert.That(fit.Doubles("genre_share")[6 + clusters[3]], Is.EqualTo(2 / 3.0), "two of the y cluster's three tracks are jazz");
        Assert.That(fit.Int32s("clusters_requested").ToArray(), Is.All.EqualTo(2));
        Assert.That(fit.Int32s("factors").ToArray(), Is.All.EqualTo(2));
    }

    [Test]
    public void A_track_the_catalogue_does_not_hold_is_bad_input_naming_it()
    {
        var rows = ArrowColumns.Batch([new("track_id", ColumnType.String, false), new("artist_id", ColumnType.String, false), new("vector", ColumnType.FloatList, false)],
            2, [new[] { "t1", "t9" }, new[] { "a1", "a1" }, new[] { new[] { 1f, 0f }, new[] { 0f, 1f } }]);
        var kernel = new TasteClusterKernel(1, 1, 2, 5, 1, 1);

        var e = Assert.Throws<Core.Jobs.BadInputException>(() => kernel.Apply(rows, Catalogue(("t1", "rock"))))!;

        Assert.That(e.Message, Does.Contain("'t9'"));
    }

    private const string Fit = """
        select * from (values
            ('track', 't2', 'a1', 1, 0.5::float, null, null, 0.0::double, null, 0, []::float[]),
            ('track', 't1', 'a2', 0, 0.25::float, null, null, 0.0::double, null, 0, []::float[]),
            ('cluster', null, null, 0, 0.0::float, 'rock · Beta', 'rock', 1.0::double, 'a2', 1, [1.0::float, 0.0::float]),
            ('cluster', null, null, 1, 0.0::float, 'jazz · Alpha', 'jazz', 1.0::double, 'a1', 1, [0.0::float, 1.0::float])
        ) f(kind, track_id, artist_id, cluster_id, distance, label, leading_genre, genre_share, top_artist_ids, tracks, centroid)
        """;

    [Test]
    public async Task The_two_datasets_take_their_kind_of_rows_of_the_fit()
    {
        var inputs = new Dictionary<string, string> { ["taste_fit"] = Fit };

        var assignments = await SqlModel.RunAsync("track_clusters", SqlResources.Load("Clustering/track_clusters.sql"), inputs, "track_id");
        var clusters = await SqlModel.RunAsync("taste_clusters", SqlResources.Load("Clustering/taste_clusters.sql"), inputs, "cluster_id");

        Assert.That(assignments, Is.EqualTo(new[] { new object?[] { "t1", "a2", 0, 0.25f }, ["t2", "a1", 1, 0.5f] }));
        Assert.That(clusters, Is.EqualTo(new[]
        {
            new object?[] { 0, "rock · Beta", "rock", 1.0, "a2", 1, new[] { 1f, 0f } },
            [1, "jazz · Alpha", "jazz", 1.0, "a1", 1, new[] { 0f, 1f }],
        }));
    }
}
