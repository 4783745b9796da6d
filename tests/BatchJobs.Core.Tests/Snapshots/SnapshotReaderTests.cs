using BatchJobs.Core.Checks;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Snapshots;
using BatchJobs.Core.Tests.Support;

namespace BatchJobs.Core.Tests.Snapshots;

public class SnapshotReaderTests : StoreTest
{
    private static readonly DateOnly Day1 = new(2026, 11, 1);
    private static readonly DateOnly Day2 = new(2026, 11, 2);
    private static readonly DatasetContract Users = TestContracts.Parse(TestContracts.Yaml("users", ["user_id string", "visits int64"]));

    private async Task<PublishedSnapshot> PublishAsync(DateOnly partition, string runId, params string[][] parts)
    {
        var publisher = new SnapshotPublisher(layout, new QualityCheckRunner(reader, new ContractCatalog([Users])), new SteppingClock());
        var staged = publisher.Stage(Users, partition, runId);
        for (var i = 0; i < parts.Length; i++)
            await TestTables.WriteAsync(staged.FilePath($"part-{i:00000}.parquet"), Users.Schema, parts[i], parts[i].Select(u => (long)u.Length).ToArray());
        await publisher.PublishAsync([staged], new RunInfo("test-job", runId, "test", "fingerprint", new Dictionary<string, string>(), []));
        return reader.TryResolve("users", partition)!;
    }

    /// <summary>A run folder in place but without <c>_SUCCESS</c>, as a damaged or foreign copy would leave it.</summary>
    private async Task<string> WriteUnpublishedRunAsync(DateOnly partition, string runId)
    {
        var folder = layout.RunDirectory("users", partition, runId);
        await TestTables.WriteAsync(Path.Combine(folder, "part-00000.parquet"), Users.Schema, new[] { "ghost" }, new[] { 5L });
        return folder;
    }

    [Test]
    public void ANeverPublishedDatasetResolvesToNothing()
    {
        Assert.That(reader.TryResolveLatest("users"), Is.Null);
        Assert.That(reader.TryResolve("users", Day1), Is.Null);
        Assert.That(reader.PublishedPartitions("users"), Is.Empty);
    }

    [Test]
    public async Task LatestResolvesTheRunItNames()
    {
        var published = await PublishAsync(Day1, "20261101T000000000Z-000001", ["u1", "u2"]);

        var latest = reader.TryResolveLatest("users")!;

        Assert.That(latest.Directory, Is.EqualTo(published.Directory));
        Assert.That((latest.Dataset, latest.Partition, latest.RunId), Is.EqualTo(("users", Day1, "20261101T000000000Z-000001")));
        Assert.That(latest.FilePaths, Is.EqualTo(new[] { Path.Combine(published.Directory, "part-00000.parquet") }));
        Assert.That(latest.AsInput(), Is.EqualTo(new InputSnapshot { Dataset = "users", Partition = "2026-11-01", RunId = "20261101T000000000Z-000001" }));
    }

    [Test]
    public async Task APartitionResolvesToItsNewestPublishedRunAndIgnoresRunsWithoutSuccess()
    {
        await PublishAsync(Day1, "20261101T000000000Z-000001", ["u1"]);
        await PublishAsync(Day1, "20261101T010000000Z-000002", ["u1", "u2"]);
        await WriteUnpublishedRunAsync(Day1, "20261101T020000000Z-000003");

        Assert.That(reader.TryResolve("users", Day1)!.RunId, Is.EqualTo("20261101T010000000Z-000002"));
    }

    [Test]
    public async Task PublishedPartitionsAreOldestFirstAndOnlyThoseWithAPublishedRun()
    {
        await PublishAsync(Day2, "20261101T000000000Z-000001", ["u1"]);
        await PublishAsync(Day1, "20261101T000000000Z-000002", ["u1"]);
        await WriteUnpublishedRunAsync(new DateOnly(2026, 11, 3), "20261101T000000000Z-000003");
        Directory.CreateDirectory(Path.Combine(layout.DatasetDirectory("users"), "dt=yesterday"));

        Assert.That(reader.PublishedPartitions("users"), Is.EqualTo(new[] { Day1, Day2 }));
    }

    [Test]
    public async Task ALatestPointerToARunWithoutSuccessIsReportedAsDamage()
    {
        await PublishAsync(Day1, "20261101T000000000Z-000001", ["u1"]);
        await WriteUnpublishedRunAsync(Day2, "20261101T000000000Z-000002");
        File.WriteAllText(layout.LatestPointer("users"), "dt=2026-11-02/run=20261101T000000000Z-000002\n");

        var e = Assert.Throws<InvalidDataException>(() => reader.TryResolveLatest("users"))!;

        Assert.That(e.Message, Does.Contain(layout.LatestPointer("users")).And.Contain("has no _SUCCESS").And.Contain("the store is damaged"));
    }

    [Test]
    public async Task VerifyPassesOnAnIntactRun()
    {
        var published = await PublishAsync(Day1, "20261101T000000000Z-000001", ["u1", "u2"], ["u3"]);
        await Assert.DoesNotThrowAsync(() => SnapshotReader.VerifyAsync(published, checksums: true));
    }

    [Test]
    public async Task VerifyFindsAMissingFile()
    {
        var published = await PublishAsync(Day1, "20261101T000000000Z-000001", ["u1", "u2"], ["u3"]);
        File.Delete(published.FilePaths[1]);

        var e = (await Assert.ThrowsAsync<InvalidDataException>(() => SnapshotReader.VerifyAsync(published, checksums: false)))!;

        Assert.That(e.Message, Does.StartWith(published.FilePaths[1]).And.Contain("listed in the manifest but missing"));
    }

    [Test]
    public async Task VerifyFindsATruncatedFile()
    {
        var published = await PublishAsync(Day1, "20261101T000000000Z-000001", ["u1", "u2"]);
        var bytes = File.ReadAllBytes(published.FilePaths[0]);
        File.WriteAllBytes(published.FilePaths[0], bytes[..^10]);

        var e = (await Assert.ThrowsAsync<InvalidDataException>(() => SnapshotReader.VerifyAsync(published, checksums: false)))!;

        Assert.That(e.Message, Does.Contain($"{bytes.Length - 10} bytes, the manifest says {bytes.Length}"));
    }

    [Test]
    public async Task OnlyTheChecksumFindsAFlippedByte()
    {
        var published = await PublishAsync(Day1, "20261101T000000000Z-000001", ["u1", "u2"]);
        var bytes = File.ReadAllBytes(published.FilePaths[0]);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(published.FilePaths[0], bytes);

        await Assert.DoesNotThrowAsync(() => SnapshotReader.VerifyAsync(published, checksums: false), "sizes still match");
        var e = (await Assert.ThrowsAsync<InvalidDataException>(() => SnapshotReader.VerifyAsync(published, checksums: true)))!;
        Assert.That(e.Message, Does.Contain("SHA-256").And.Contain(published.Manifest.Files[0].Sha256));
    }

    [Test]
    public async Task RowsAreReadFromEveryFileInManifestOrder()
    {
        var published = await PublishAsync(Day1, "20261101T000000000Z-000001", ["u1", "u22"], ["u333"]);

        var rows = new List<object?[]>();
        await foreach (var row in SnapshotReader.ReadRowsAsync(published)) rows.Add(row);

        Assert.That(rows, Is.EqualTo(new[] { new object?[] { "u1", 2L }, new object?[] { "u22", 3L }, new object?[] { "u333", 4L } }));
    }
}
