using BatchJobs.Core.Snapshots;

namespace BatchJobs.Cli.Tests.Commands;

public class DemoCommandTests
{
    private string root = null!;

    [SetUp]
    public void SetUp() => root = Path.Combine(Path.GetTempPath(), "batchjobs-demo-" + Guid.NewGuid().ToString("N")[..10]);

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    [Test]
    public async Task DemoRunsEveryJobForTheLastDateAndPrintsWhatWasPublished()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var generated = await Program.RunAsync(["generate", "--root", root, "--users", "150", "--tracks", "1500", "--artists", "150",
            "--days", "4", "--end-date", "2026-11-22", "--seed", "7", "--bad-rows", "0.01"], output, error);
        Assert.That(generated, Is.EqualTo(0), error.ToString());

        var exit = await Program.RunAsync(["demo", "--root", root], output, error);

        TestContext.Out.WriteLine(output.ToString());
        Assert.That(exit, Is.EqualTo(0), output + error.ToString());
        var reader = new SnapshotReader(new SnapshotLayout(root));
        foreach (var dataset in new[] { "tracks", "artists", "listening_events", "listening_events_rejects", "user_track_affinity", "user_embeddings", "track_embeddings", "artist_embeddings" })
        {
            var latest = reader.TryResolveLatest(dataset);
            Assert.That(latest, Is.Not.Null, dataset);
            Assert.That(latest!.Manifest.Partition, Is.EqualTo("2026-11-22"), dataset);
            Assert.That(output.ToString(), Does.Contain(dataset));
            await SnapshotReader.VerifyAsync(latest, checksums: true);
        }
        Assert.That(reader.PublishedPartitions("listening_events"), Has.Count.EqualTo(4));
        Assert.That(reader.TryResolveLatest("user_track_affinity")!.Manifest.RowCount, Is.GreaterThan(0));
        Assert.That(output.ToString(), Does.Contain("0 failed"));
        Assert.That(reader.TryResolveLatest("model_evaluation"), Is.Null, "four days of history cannot hold a week-old training set: the evaluation is left out, not failed");

        var again = new StringWriter();
        Assert.That(await Program.RunAsync(["demo", "--root", root], again, error), Is.EqualTo(0));
        Assert.That(again.ToString(), Does.Contain("0 runs published"), "a second demo recomputes nothing");
    }
}
