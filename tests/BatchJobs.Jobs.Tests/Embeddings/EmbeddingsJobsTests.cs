using BatchJobs.Core;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Snapshots;

namespace BatchJobs.Jobs.Tests.Embeddings;

/// <summary>
/// Two groups of listeners with disjoint tastes: users u00..u09 play odd tracks, u10..u19 even tracks. Each user
/// plays some tracks of the group's pool early on, and other tracks of the same pool in the last week — which a model
/// of tastes predicts and global popularity does not.
/// </summary>
public class EmbeddingsJobsTests
{
    private static readonly DateOnly Last = new(2026, 11, 20);
    private TestWorld world = null!;

    [SetUp]
    public void SetUp() => world = new TestWorld();

    [TearDown]
    public void TearDown() => world.Dispose();

    private async Task PublishTwoTasteGroupsAsync(int days)
    {
        var random = new Random(3);
        var first = Last.AddDays(1 - days);
        for (var day = first; day <= Last; day = day.AddDays(1))
        {
            var lines = new List<string>();
            var lastWeek = day > Last.AddDays(-7);
            for (var u = 0; u < 20; u++)
            {
                var odd = u < 10;
                // Each user has an own order of the group's pool: the first eight before the last week, the next
                // four in it, so every pool track is known from other users' history.
                var pool = Enumerable.Range(3, 37).Where(t => t % 2 == (odd ? 1 : 0)).OrderBy(t => (t * 7919 + u * 104729) % 97).ToList();
                var tracks = lastWeek ? pool.Skip(8).Take(4).ToList() : pool.Take(8).ToList();
                for (var play = 0; play < 6; play++)
                    lines.Add(TestWorld.Event($"u{u:00}", "t" + tracks[random.Next(tracks.Count)], day, 60 * (u * 10 + play), 180_000));
                // Everyone also plays the globally popular t1 and t2 early on, which popularity favours.
                if (!lastWeek) lines.Add(TestWorld.Event($"u{u:00}", day.DayNumber % 2 == 0 ? "t2" : "t1", day, 60 * (u * 10 + 7), 180_000));
            }
            world.WriteEvents(day, lines);
            await world.RunAsync("publish-catalog", day);
            Assert.That((await world.RunAsync("ingest-listening-events", day)).Status, Is.EqualTo(JobRunStatus.Published));
        }
    }

    [Test]
    public async Task TrainingPublishesUserTrackAndArtistVectorsTogetherAndDeterministically()
    {
        await PublishTwoTasteGroupsAsync(days: 3);
        await world.RunAsync("user-track-affinity", Last);

        var first = await world.RunAsync("train-embeddings", Last);
        var second = await world.RunAsync("train-embeddings", Last, force: true);

        Assert.That(first.Status, Is.EqualTo(JobRunStatus.Published), first.Message);
        Assert.That(first.Manifests.Select(m => m.Dataset), Is.EquivalentTo(new[] { "user_embeddings", "track_embeddings", "artist_embeddings" }));
        foreach (var manifest in first.Manifests)
        {
            Assert.That(manifest.Checks.Where(c => c.Status == CheckStatus.Failed), Is.Empty, manifest.Dataset);
            Assert.That(manifest.Metrics!["loss_curve"]!.AsArray(), Has.Count.EqualTo(15));
            Assert.That(manifest.Metrics!["model_version"]!.GetValue<string>(), Is.EqualTo("als-" + first.RunId));
        }
        Assert.That(first.Manifests.Single(m => m.Dataset == "user_embeddings").RowCount, Is.EqualTo(20));
        Assert.That(first.Manifests.Single(m => m.Dataset == "artist_embeddings").RowCount, Is.EqualTo(2));
        Assert.That(second.Manifests.Select(m => m.Files[0].Sha256), Is.EqualTo(first.Manifests.Select(m => m.Files[0].Sha256)),
            "the same inputs, seed and parameters give byte-identical vectors");

        var users = world.Runner.Reader.TryResolve("user_embeddings", Last)!;
        await foreach (var row in SnapshotReader.ReadRowsAsync(users))
            Assert.That(((float[])row[1]!).Length, Is.EqualTo(64));
    }

    [Test]
    public async Task TheModelBeatsPopularityOnTwoTasteGroupsAndTheEvaluationIsPublished()
    {
        await PublishTwoTasteGroupsAsync(days: 14);
        await world.RunAsync("user-track-affinity", Last.AddDays(-7));

        var result = await world.RunAsync("evaluate-embeddings", Last);

        Assert.That(result.Status, Is.EqualTo(JobRunStatus.Published), result.Message);
        var rows = new Dictionary<string, object?[]>();
        await foreach (var row in SnapshotReader.ReadRowsAsync(world.Runner.Reader.TryResolve("model_evaluation", Last)!)) rows[(string)row[0]!] = row;
        var (modelNdcg, baselineNdcg) = ((double)rows["als"][6]!, (double)rows["popularity"][6]!);
        TestContext.Out.WriteLine($"ndcg@10 model {modelNdcg:F3} popularity {baselineNdcg:F3}");
        Assert.That(rows["als"][2], Is.EqualTo(20), "every user has first plays in the last week");
        Assert.That(modelNdcg, Is.GreaterThan(baselineNdcg));
        Assert.That(result.Manifests[0].Checks.Where(c => c.Type == "sql").Select(c => c.Status), Is.All.EqualTo(CheckStatus.Passed));
    }

    [TestCase(0.10, 0.20, null, "beats the popularity baseline")]
    [TestCase(0.30, 0.20, 0.40, "at least 80% of the previous")]
    public async Task TheContractBlocksAModelThatLosesToPopularityOrRegresses(double modelNdcg, double baselineNdcg, double? previousNdcg, string failure)
    {
        var contracts = JobCatalog.LoadContracts();
        var contract = contracts.Get("model_evaluation");
        var layout = new SnapshotLayout(world.Root);
        var checks = new BatchJobs.Core.Checks.QualityCheckRunner(new SnapshotReader(layout), contracts);
        var publisher = new SnapshotPublisher(layout, checks, TimeProvider.System);
        async Task<IReadOnlyList<SnapshotManifest>> PublishAsync(DateOnly date, double ndcg)
        {
            var staged = publisher.Stage(contract, date, SnapshotLayout.NewRunId(DateTimeOffset.UtcNow));
            await using (var writer = await BatchJobs.Core.Tables.ParquetTableWriter.CreateAsync(staged.FilePath("part-00000.parquet"), contract.Schema))
                await writer.WriteRowGroupAsync(2, [new[] { "als", "popularity" }, new[] { 10, 10 }, new[] { 20, 20 }, new[] { 0.1, 0.1 }, new[] { 0.1, 0.1 },
                    new[] { 0.1, 0.1 }, new[] { ndcg, baselineNdcg }, new[] { 0.5, 0.1 }]);
            return await publisher.PublishAsync([staged], new RunInfo("evaluate-embeddings", staged.RunId, "test", "fp", new Dictionary<string, string>(), []));
        }
        if (previousNdcg is { } previous) await PublishAsync(Last.AddDays(-1), previous);

        var error = await Assert.ThrowsAsync<BlockingCheckFailedException>(() => PublishAsync(Last, modelNdcg));

        Assert.That(error!.Message, Does.Contain(failure));
        Assert.That(new SnapshotReader(layout).TryResolve("model_evaluation", Last), Is.Null);
    }
}
