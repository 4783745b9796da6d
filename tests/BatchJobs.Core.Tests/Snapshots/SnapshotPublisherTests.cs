using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BatchJobs.Core.Checks;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Snapshots;
using BatchJobs.Core.Tests.Support;

namespace BatchJobs.Core.Tests.Snapshots;

public class SnapshotPublisherTests : StoreTest
{
    private static readonly DateOnly Day1 = new(2026, 11, 1);
    private static readonly DateOnly Day2 = new(2026, 11, 2);
    private static readonly DateTimeOffset Now = new(2026, 11, 3, 4, 5, 6, TimeSpan.Zero);

    private static readonly DatasetContract Plays = TestContracts.Parse(TestContracts.Yaml("plays", ["user_id string", "plays int64"],
        ["type: row_count, min: 1", "type: unique, columns: [user_id]", "type: relationship, column: user_id, to: users.user_id"], job: "count-plays"));

    private static readonly DatasetContract Users = TestContracts.Parse(TestContracts.Yaml("users", ["user_id string"],
        ["type: row_count, min: 1", "type: unique, columns: [user_id]"], job: "count-plays"));

    private static readonly RunInfo Run = new("count-plays", "unused", "test-code 1.0+abc", "fingerprint-1",
        new Dictionary<string, string> { ["half_life_days"] = "14" },
        [
            new InputSnapshot { Dataset = "listening_events", Partition = "2026-11-01", RunId = "20261101T000000000Z-aaaaaa" },
            new InputSnapshot { RawPath = "raw/plays/dt=2026-11-01", RawFiles = [new RawFile("part-00000.csv", 1234, new DateTime(2026, 11, 1, 2, 0, 0, DateTimeKind.Utc))] },
        ]);

    private static string RunId(int n) => $"20261102T0000{n:00}000Z-00000{n}";

    private SnapshotPublisher Publisher(Func<PublishStep, string, Task>? afterStep = null) =>
        new(layout, new QualityCheckRunner(reader, new ContractCatalog([Plays, Users])), new SteppingClock(Now)) { AfterStep = afterStep };

    private static Func<PublishStep, string, Task> CrashAfter(PublishStep crashStep, string? dataset = null) => (step, name) =>
        step == crashStep && (dataset is null || dataset == name) ? throw new SimulatedCrashException($"crash after {step} of {name}") : Task.CompletedTask;

    /// <summary>Stages <paramref name="users"/> as plays rows (one part per array) and, unless null, the users dataset.</summary>
    private async Task<(StagedSnapshot Plays, StagedSnapshot Users)> StageAsync(SnapshotPublisher publisher, DateOnly partition, string runId, string[][] plays, string[]? users)
    {
        var staged = publisher.Stage(Plays, partition, runId);
        for (var part = 0; part < plays.Length; part++)
            await TestTables.WriteAsync(staged.FilePath($"part-{part:00000}.parquet"), Plays.Schema, plays[part], plays[part].Select(u => (long)u.Length).ToArray());
        var stagedUsers = publisher.Stage(Users, partition, runId);
        if (users is not null) await TestTables.WriteAsync(stagedUsers.FilePath("part-00000.parquet"), Users.Schema, users);
        return (staged, stagedUsers);
    }

    /// <summary>Publishes plays and users together, every user present in both.</summary>
    private async Task<IReadOnlyList<SnapshotManifest>> PublishAsync(DateOnly partition, string runId, int rows, Func<PublishStep, string, Task>? afterStep = null)
    {
        var publisher = Publisher(afterStep);
        var ids = Enumerable.Range(0, rows).Select(i => "u" + i).ToArray();
        var (plays, users) = await StageAsync(publisher, partition, runId, [ids], ids);
        return await publisher.PublishAsync([plays, users], Run with { RunId = runId });
    }

    private async Task AssertConsistentAsync()
    {
        await StoreAssert.ConsistentAsync(layout, "plays");
        await StoreAssert.ConsistentAsync(layout, "users");
    }

    [Test]
    public async Task AFirstPublishPutsTheRunInPlaceAndPointsLatestAtIt()
    {
        var manifests = await PublishAsync(Day1, RunId(1), rows: 3);

        Assert.That(manifests.Select(m => m.Dataset), Is.EqualTo(new[] { "plays", "users" }));
        var runDirectory = layout.RunDirectory("plays", Day1, RunId(1));
        Assert.That(Directory.GetFiles(runDirectory).Select(Path.GetFileName), Is.EquivalentTo(new[] { "part-00000.parquet", "_SUCCESS" }));
        Assert.That(File.ReadAllText(layout.LatestPointer("plays")), Is.EqualTo($"dt=2026-11-01/run={RunId(1)}\n"), "_LATEST is relative, so a root can move");
        Assert.That(reader.TryResolveLatest("plays")!.Directory, Is.EqualTo(runDirectory));
        Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(layout.DatasetDirectory("plays"), "_staging")), Is.Empty, "nothing left in staging");
        await AssertConsistentAsync();
    }

    /// <summary>
    /// The heart of the protocol: a second publish crashes after each step in turn. Whatever the step, the reader
    /// resolves a complete run, every run in place verifies, and <c>_LATEST</c> names a run with <c>_SUCCESS</c>; the
    /// new run is visible only once renamed into place, and serving only follows it once <c>_LATEST</c> is replaced.
    /// </summary>
    [Test]
    public async Task ACrashAfterAnyStepLeavesTheStoreReadable([Values] PublishStep crashAfter, [Values] bool samePartition)
    {
        await PublishAsync(Day1, RunId(1), rows: 3);
        var partition = samePartition ? Day1 : Day2;

        await Assert.ThrowsAsync<SimulatedCrashException>(() => PublishAsync(partition, RunId(2), rows: 5, CrashAfter(crashAfter)));

        var inPlace = crashAfter >= PublishStep.Renamed;
        var latest = reader.TryResolveLatest("plays")!;
        Assert.That(latest.RunId, Is.EqualTo(crashAfter == PublishStep.LatestReplaced ? RunId(2) : RunId(1)));
        await SnapshotReader.VerifyAsync(latest, checksums: true);
        var resolved = reader.TryResolve("plays", partition);
        if (inPlace)
        {
            Assert.That(resolved!.RunId, Is.EqualTo(RunId(2)));
            Assert.That(File.Exists(Path.Combine(resolved.Directory, SnapshotLayout.SuccessFile)), Is.True);
            Assert.That(resolved.Manifest.RowCount, Is.EqualTo(5));
        }
        else if (samePartition)
            Assert.That(resolved!.RunId, Is.EqualTo(RunId(1)), "the previous run of the partition stays the one read");
        else
            Assert.That(resolved, Is.Null, "a partition whose only run never reached its folder is not published");
        Assert.That(reader.PublishedPartitions("plays"), Is.EqualTo(inPlace && !samePartition ? new[] { Day1, Day2 } : new[] { Day1 }));
        await AssertConsistentAsync();

        // A retry with a new run id publishes normally over whatever the crash left behind.
        await PublishAsync(partition, RunId(3), rows: 4);
        Assert.That(reader.TryResolveLatest("plays")!.RunId, Is.EqualTo(RunId(3)));
        Assert.That(reader.TryResolve("plays", partition)!.RunId, Is.EqualTo(RunId(3)));
        await AssertConsistentAsync();
    }

    /// <summary>A run of two datasets that crashes part-way leaves each dataset on a complete run, old or new.</summary>
    [Test]
    public async Task ACrashInAMultiDatasetPublishLeavesEachDatasetReadable([Values] PublishStep crashAfter, [Values("plays", "users")] string crashing)
    {
        await PublishAsync(Day1, RunId(1), rows: 3);

        await Assert.ThrowsAsync<SimulatedCrashException>(() => PublishAsync(Day2, RunId(2), rows: 5, CrashAfter(crashAfter, crashing)));

        foreach (var dataset in new[] { "plays", "users" })
        {
            var latest = reader.TryResolveLatest(dataset)!;
            Assert.That(latest.RunId, Is.AnyOf(RunId(1), RunId(2)), dataset);
            await SnapshotReader.VerifyAsync(latest, checksums: true);
        }
        await AssertConsistentAsync();
    }

    [Test]
    public async Task TheManifestDescribesTheRun()
    {
        var publisher = Publisher();
        var (plays, users) = await StageAsync(publisher, Day2, RunId(1), [["u1", "u22", "u333"], ["u4444", "u5"]], ["u1", "u22", "u333", "u4444", "u5"]);
        plays.Statistics["input_rows"] = 7;
        plays.Metrics = new JsonObject { ["loss"] = 0.25 };
        var contents = Directory.GetFiles(plays.Directory, "*.parquet").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();

        var manifest = (await publisher.PublishAsync([plays, users], Run with { RunId = RunId(1) }))[0];

        var runDirectory = layout.RunDirectory("plays", Day2, RunId(1));
        Assert.Multiple(() =>
        {
            Assert.That(manifest.Dataset, Is.EqualTo("plays"));
            Assert.That(manifest.Partition, Is.EqualTo("2026-11-02"));
            Assert.That(manifest.RunId, Is.EqualTo(RunId(1)));
            Assert.That(manifest.Job, Is.EqualTo("count-plays"));
            Assert.That(manifest.ContractVersion, Is.EqualTo(1));
            Assert.That(manifest.ContractSha256, Is.EqualTo(Plays.Sha256));
            Assert.That(manifest.CodeVersion, Is.EqualTo("test-code 1.0+abc"));
            Assert.That(manifest.CreatedAt, Is.EqualTo(Now));
            Assert.That(manifest.InputFingerprint, Is.EqualTo("fingerprint-1"));
            Assert.That(manifest.Parameters, Is.EqualTo(Run.Parameters));
            Assert.That(manifest.Inputs, Is.EqualTo(Run.Inputs), "lineage");
            Assert.That(manifest.Files.Select(f => (f.Path, f.Rows)), Is.EqualTo(new[] { ("part-00000.parquet", 3L), ("part-00001.parquet", 2L) }));
            for (var i = 0; i < manifest.Files.Count; i++)
            {
                Assert.That(manifest.Files[i].Bytes, Is.EqualTo(contents[i].Length));
                Assert.That(manifest.Files[i].Sha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(contents[i]))));
                Assert.That(File.ReadAllBytes(Path.Combine(runDirectory, manifest.Files[i].Path)), Is.EqualTo(contents[i]), "moved, not rewritten");
            }
            Assert.That(manifest.Schema, Is.EqualTo(new[] { new ManifestColumn("user_id", "string", false), new ManifestColumn("plays", "int64", false) }));
            Assert.That(manifest.RowCount, Is.EqualTo(5));
            Assert.That(manifest.Checks.Select(c => (c.Name, c.Status)), Is.EqualTo(new[]
            {
                ("schema", CheckStatus.Passed), ("row_count()", CheckStatus.Passed), ("unique(user_id)", CheckStatus.Passed), ("relationship(user_id)", CheckStatus.Passed),
            }));
            Assert.That(manifest.Statistics, Is.EqualTo(new Dictionary<string, double> { ["input_rows"] = 7 }));
            Assert.That(manifest.Metrics!["loss"]!.GetValue<double>(), Is.EqualTo(0.25));
        });

        var json = File.ReadAllText(Path.Combine(runDirectory, SnapshotLayout.SuccessFile));
        Assert.That(json, Does.Contain("\"input_fingerprint\": \"fingerprint-1\"").And.Contain("\"row_count\": 5").And.Contain("\"status\": \"passed\"").And.Contain("\"severity\": \"error\""),
            "the manifest is snake_case JSON that any tool can read");
        Assert.That(reader.TryResolve("plays", Day2)!.Manifest.ToJson(), Is.EqualTo(manifest.ToJson()), "what is on disk is what was returned");
    }

    [Test]
    public async Task AFailingBlockingCheckPublishesNothingAndKeepsTheOutputAside()
    {
        await PublishAsync(Day1, RunId(1), rows: 3);
        var publisher = Publisher();
        var (plays, users) = await StageAsync(publisher, Day2, RunId(2), [["u1", "u1", "u2"]], ["u1", "u2"]);

        var e = (await Assert.ThrowsAsync<BlockingCheckFailedException>(() => publisher.PublishAsync([plays, users], Run with { RunId = RunId(2) })))!;

        Assert.That(e.Failures.Select(f => f.Name), Is.EqualTo(new[] { "unique(user_id)" }));
        Assert.That(e.Message, Does.Contain("nothing was published").And.Contain("plays: unique(user_id): 1 duplicated keys, e.g. u1"));
        Assert.That(e.KeptAt, Is.EqualTo(new[] { layout.FailedDirectory("plays", Day2, RunId(2)), layout.FailedDirectory("users", Day2, RunId(2)) }),
            "the passing dataset of the same run is not published either");
        Assert.That(File.Exists(Path.Combine(e.KeptAt[0], "part-00000.parquet")), Is.True, "the output is kept for debugging");
        Assert.That(File.Exists(Path.Combine(e.KeptAt[0], SnapshotLayout.SuccessFile)), Is.False, "kept-aside output never looks published");
        Assert.That(Directory.Exists(plays.Directory), Is.False);
        foreach (var dataset in new[] { "plays", "users" })
        {
            Assert.That(reader.TryResolve(dataset, Day2), Is.Null, dataset);
            Assert.That(reader.TryResolveLatest(dataset)!.RunId, Is.EqualTo(RunId(1)), dataset);
            Assert.That(reader.PublishedPartitions(dataset), Is.EqualTo(new[] { Day1 }), dataset);
        }
        await AssertConsistentAsync();
    }

    [Test]
    public async Task AFailingBlockingCheckOnAFirstPublishLeavesNoLatest()
    {
        var publisher = Publisher();
        var (plays, users) = await StageAsync(publisher, Day1, RunId(1), [["u1", "u2"]], ["u1"]);

        var e = (await Assert.ThrowsAsync<BlockingCheckFailedException>(() => publisher.PublishAsync([plays, users], Run with { RunId = RunId(1) })))!;

        Assert.That(e.Message, Does.Contain("plays: relationship(user_id): 1 rows whose user_id is not in users.user_id (the run published with it), e.g. 'u2'"));
        Assert.That(File.Exists(layout.LatestPointer("plays")), Is.False);
        Assert.That(File.Exists(layout.LatestPointer("users")), Is.False);
        Assert.That(reader.TryResolveLatest("users"), Is.Null);
    }

    [Test]
    public async Task AFailingWarnCheckPublishesAndIsRecordedInTheManifest()
    {
        var warned = TestContracts.Parse(TestContracts.Yaml("scores", ["user_id string", "score double"], ["type: range, column: score, max: 1, severity: warn"]));
        var publisher = new SnapshotPublisher(layout, new QualityCheckRunner(reader, new ContractCatalog([warned])), new SteppingClock(Now));
        var staged = publisher.Stage(warned, Day1, RunId(1));
        await TestTables.WriteAsync(staged.FilePath("part-00000.parquet"), warned.Schema, new[] { "u1", "u2" }, new[] { 0.5, 2.5 });

        await publisher.PublishAsync([staged], Run with { RunId = RunId(1) });

        var published = reader.TryResolveLatest("scores")!;
        var check = published.Manifest.Checks.Single(c => c.Type == "range");
        Assert.That(check.Status, Is.EqualTo(CheckStatus.Failed));
        Assert.That(check.Severity, Is.EqualTo(Severity.Warn));
        Assert.That(check.Detail, Does.Contain("1 rows outside <= 1"));
        await StoreAssert.ConsistentAsync(layout, "scores");
    }

    [Test]
    public async Task PublishingAnOlderPartitionDoesNotMoveLatestBackwards()
    {
        await PublishAsync(Day2, RunId(1), rows: 3);
        await PublishAsync(Day1, RunId(2), rows: 4);

        Assert.That(reader.TryResolveLatest("plays")!.RunId, Is.EqualTo(RunId(1)));
        Assert.That(reader.TryResolve("plays", Day1)!.RunId, Is.EqualTo(RunId(2)), "the backfilled partition is published all the same");
        Assert.That(reader.PublishedPartitions("plays"), Is.EqualTo(new[] { Day1, Day2 }));
    }

    [Test]
    public async Task RepublishingAPartitionMovesLatestToTheNewRun()
    {
        await PublishAsync(Day2, RunId(1), rows: 3);
        await PublishAsync(Day2, RunId(2), rows: 4);

        Assert.That(reader.TryResolveLatest("plays")!.RunId, Is.EqualTo(RunId(2)));
        Assert.That(reader.TryResolve("plays", Day2)!.Manifest.RowCount, Is.EqualTo(4));
        Assert.That(Directory.Exists(layout.RunDirectory("plays", Day2, RunId(1))), Is.True, "the publisher removes nothing; retention does");
    }

    [Test]
    public async Task ARunWithoutAParquetFileIsAnError()
    {
        var publisher = Publisher();
        var (plays, users) = await StageAsync(publisher, Day1, RunId(1), [], ["u1"]);

        var e = (await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.PublishAsync([plays, users], Run with { RunId = RunId(1) })))!;

        Assert.That(e.Message, Does.Contain(plays.Directory).And.Contain("staged no Parquet file for plays"));
        Assert.That(reader.TryResolveLatest("users"), Is.Null);
    }

    [Test]
    public async Task StagingARunAgainStartsFromAnEmptyFolder()
    {
        var publisher = Publisher();
        var first = publisher.Stage(Plays, Day1, RunId(1));
        await File.WriteAllTextAsync(first.FilePath("leftover.parquet"), "half a file");

        var again = publisher.Stage(Plays, Day1, RunId(1));

        Assert.That(again.Directory, Is.EqualTo(first.Directory));
        Assert.That(Directory.GetFiles(again.Directory), Is.Empty);
        Assert.That(again.Directory, Does.StartWith(Path.Combine(layout.DatasetDirectory("plays"), "_staging")), "staged where readers never look");
    }

    [Test]
    public async Task WriteAtomicallyReplacesTheFileAndLeavesNoTempFile()
    {
        var path = temp.File("pointer");
        await SnapshotPublisher.WriteAtomicallyAsync(path, "one\n", CancellationToken.None);
        await SnapshotPublisher.WriteAtomicallyAsync(path, "two\n", CancellationToken.None);

        Assert.That(File.ReadAllText(path), Is.EqualTo("two\n"));
        Assert.That(Directory.GetFiles(temp.Root), Is.EqualTo(new[] { path }));
    }
}
