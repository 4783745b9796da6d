using BatchJobs.Core;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Snapshots;

namespace BatchJobs.Jobs.Tests.Ingest;

public class ListeningEventsIngestJobTests
{
    private static readonly DateOnly Day = new(2026, 11, 2);
    private TestWorld world = null!;

    [SetUp]
    public void SetUp() => world = new TestWorld();

    [TearDown]
    public void TearDown() => world.Dispose();

    /// <summary>One malformed line per kind, the field it must be rejected on, and a word of the reason.</summary>
    private static readonly (string Line, string Field, string Reason)[] Corpus =
    [
        ("u1,t1,2026-11-02T10:00:00.000Z,1000,playlist", "(record)", "5 fields"),
        ("u1,t1,2026-11-02T10:00:00.000Z,1000,playlist,ios,extra", "(record)", "7 fields"),
        (",t1,2026-11-02T10:00:01.000Z,1000,playlist,ios", "user_id", "empty"),
        ("u1,,2026-11-02T10:00:02.000Z,1000,playlist,ios", "track_id", "empty"),
        ("u1,t999,2026-11-02T10:00:03.000Z,1000,playlist,ios", "track_id", "unknown track"),
        ("u1,t1,yesterday,1000,playlist,ios", "ts", "not an ISO-8601"),
        ("u1,t1,2026-11-03T00:00:00.000Z,1000,playlist,ios", "ts", "outside the partition day"),
        ("u1,t1,2026-11-01T23:59:59.999Z,1000,playlist,ios", "ts", "outside the partition day"),
        ("u1,t1,2026-11-02T10:00:04,1000,playlist,ios", "ts", "no UTC designator"),
        ("u1,t1,2026-11-02T10:00:05.000Z,12.5,playlist,ios", "ms_played", "not a whole number"),
        ("u1,t1,2026-11-02T10:00:06.000Z,-5,playlist,ios", "ms_played", "negative"),
        ("u1,t1,2026-11-02T10:00:07.000Z,900000,playlist,ios", "ms_played", "exceeds the track's duration"),
        ("u1,t1,2026-11-02T10:00:08.000Z,1000,playlist,", "platform", "empty"),
        ("u1,t1,2026-11-02T10:00:09.000Z,1000,playlist,toaster", "platform", "not an accepted platform"),
        ("u1,t1,2026-11-02T10:00:10.000Z,1000,,ios", "context", "empty"),
        ("u\u0001x,t1,2026-11-02T10:00:11.000Z,1000,playlist,ios", "user_id", "control"),
        ("u1,t\"1\",2026-11-02T10:00:12.000Z,1000,playlist,ios", "(record)", "malformed CSV quoting"),
    ];

    [Test]
    public async Task EveryMalformedKindIsRejectedWithItsReasonAndTheCountsAddUp()
    {
        var good = TestWorld.ValidEvents(Day, 400).ToList();
        var duplicates = good.Take(5).ToList();
        var lines = good.Take(200).Concat(Corpus.Select(c => c.Line)).Concat(duplicates).Concat(good.Skip(200)).ToList();
        world.WriteEvents(Day, lines);
        Assert.That((await world.RunAsync("publish-catalog", Day)).Status, Is.EqualTo(JobRunStatus.Published));

        var result = await world.RunAsync("ingest-listening-events", Day);

        Assert.That(result.Status, Is.EqualTo(JobRunStatus.Published), result.Message);
        var events = result.Manifests.Single(m => m.Dataset == "listening_events");
        var rejects = world.Runner.Reader.TryResolve("listening_events_rejects", Day)!;
        Assert.Multiple(() =>
        {
            Assert.That(events.RowCount, Is.EqualTo(400));
            Assert.That(rejects.Manifest.RowCount, Is.EqualTo(Corpus.Length));
            Assert.That(events.Statistics["input_rows"], Is.EqualTo(lines.Count));
            Assert.That(events.Statistics["duplicate_rows"], Is.EqualTo(5));
            Assert.That(events.Statistics["accepted_rows"] + events.Statistics["duplicate_rows"] + events.Statistics["rejected_rows"], Is.EqualTo(lines.Count));
            Assert.That(events.Checks.Single(c => c.Type == "balance").Status, Is.EqualTo(CheckStatus.Passed));
        });
        var rejected = await ReadRejectsAsync(rejects);
        foreach (var (line, field, reason) in Corpus)
        {
            var lineNumber = lines.IndexOf(line) + 2; // the header is line 1
            Assert.That(rejected.TryGetValue(lineNumber, out var row), Is.True, $"line {lineNumber} '{line}' was not rejected");
            Assert.That(row.Field, Is.EqualTo(field), $"line {lineNumber} '{line}': {row.Reason}");
            Assert.That(row.Reason, Does.Contain(reason), $"line {lineNumber} '{line}'");
            Assert.That(row.Source, Is.EqualTo("raw/listening_events/dt=2026-11-02/part-00000.csv"));
        }
    }

    [Test]
    public async Task StreamAndSkipFlagsFollowThePlayedTime()
    {
        world.WriteEvents(Day, TestWorld.ValidEvents(Day, 40).Concat(
        [
            TestWorld.Event("z", "t1", Day, 10, 30_000),   // stream: exactly 30 s
            TestWorld.Event("z", "t1", Day, 11, 29_999),   // skip: before 30 s and before the end
            TestWorld.Event("z", "t40", Day, 12, 20_000),  // a 20 s track played to its end: neither
        ]));
        await world.RunAsync("publish-catalog", Day);
        await world.RunAsync("ingest-listening-events", Day);

        var snapshot = world.Runner.Reader.TryResolve("listening_events", Day)!;
        var flags = new Dictionary<long, (bool Stream, bool Skip)>();
        var columns = snapshot.Manifest.Schema.Select(c => c.Name).ToList();
        await foreach (var row in SnapshotReader.ReadRowsAsync(snapshot))
            if ((string)row[0]! == "z") flags[(long)row[columns.IndexOf("ms_played")]!] = ((bool)row[columns.IndexOf("is_stream")]!, (bool)row[columns.IndexOf("is_skip")]!);
        Assert.That(flags[30_000], Is.EqualTo((true, false)));
        Assert.That(flags[29_999], Is.EqualTo((false, true)));
        Assert.That(flags[20_000], Is.EqualTo((false, false)));
    }

    [Test]
    public async Task QuotedAndNonAsciiFieldsAreStoredAsTheirText()
    {
        world.WriteEvents(Day, TestWorld.ValidEvents(Day, 40).Concat(
        [
            "\"q1\",t1,2026-11-02T10:00:00.000Z,1000,\"radio, morning \"\"mix\"\"\",ios",
            "usér-ø,t2,2026-11-02T10:00:01.000Z,1000,playlist,web",
        ]));
        await world.RunAsync("publish-catalog", Day);
        await world.RunAsync("ingest-listening-events", Day);

        var snapshot = world.Runner.Reader.TryResolve("listening_events", Day)!;
        var columns = snapshot.Manifest.Schema.Select(c => c.Name).ToList();
        var byUser = new Dictionary<string, (string Track, string Context, string Platform)>();
        await foreach (var row in SnapshotReader.ReadRowsAsync(snapshot))
            byUser[(string)row[0]!] = ((string)row[1]!, (string)row[columns.IndexOf("context")]!, (string)row[columns.IndexOf("platform")]!);
        Assert.That(byUser["q1"], Is.EqualTo(("t1", "radio, morning \"mix\"", "ios")));
        Assert.That(byUser["usér-ø"], Is.EqualTo(("t2", "playlist", "web")));
    }

    [Test]
    public async Task AFileSplitIntoChunksKeepsFileOrderAndFindsDuplicatesAcrossChunks()
    {
        // About 2.5 MB, so validation splits the file into several chunks parsed in parallel.
        var good = Enumerable.Range(0, 40_000).Select(i => TestWorld.Event("u" + i, "t" + (1 + i % 39), Day, i % 86_400, 180_000)).ToList();
        var lines = good.Concat(good.Take(3)).Append("u1,t999,2026-11-02T10:00:00.000Z,1000,playlist,ios").ToList();
        world.WriteEvents(Day, lines);
        await world.RunAsync("publish-catalog", Day);

        var result = await world.RunAsync("ingest-listening-events", Day);

        Assert.That(result.Status, Is.EqualTo(JobRunStatus.Published), result.Message);
        var snapshot = world.Runner.Reader.TryResolve("listening_events", Day)!;
        var users = await ReadUserIdsAsync(snapshot);
        Assert.That(users, Is.EqualTo(good.Select(line => line[..line.IndexOf(',')])), "one row per distinct event, in file order");
        Assert.That(snapshot.Manifest.Statistics["duplicate_rows"], Is.EqualTo(3));
        var rejected = await ReadRejectsAsync(world.Runner.Reader.TryResolve("listening_events_rejects", Day)!);
        Assert.That(rejected.Keys, Is.EqualTo(new[] { lines.Count + 1L }), "the line number counts across chunks");
    }

    [Test]
    public async Task AParquetFileWithSeveralRowGroupsIsValidatedInOrderWithRowNumbersAcrossGroups()
    {
        var folder = Path.Combine(world.Root, "raw", "listening_events", "dt=2026-11-02");
        Directory.CreateDirectory(folder);
        var fields = new Parquet.Schema.DataField[]
        {
            new Parquet.Schema.DataField<string>("user_id"), new Parquet.Schema.DataField<string>("track_id"), new Parquet.Schema.DataField<DateTime>("ts"),
            new Parquet.Schema.DataField<long>("ms_played"), new Parquet.Schema.DataField<string>("context"), new Parquet.Schema.DataField<string>("platform"),
        };
        var at = Day.ToDateTime(new TimeOnly(10, 0), DateTimeKind.Utc);
        static string[] Users(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => "u" + i).ToArray();
        string[][] groups = [Users(1, 10), [.. Users(11, 14), "bad", .. Users(15, 20)], ["u1"]];
        await using (var stream = File.Create(Path.Combine(folder, "part-00000.parquet")))
        await using (var writer = await Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(fields), stream))
            foreach (var groupUsers in groups)
            {
                using var group = writer.CreateRowGroup();
                await group.WriteAsync(fields[0], groupUsers);
                await group.WriteAsync(fields[1], groupUsers.Select(u => u == "bad" ? "t999" : "t1").ToArray());
                await group.WriteAsync<DateTime>(fields[2], Enumerable.Repeat(at, groupUsers.Length).ToArray().AsMemory());
                await group.WriteAsync<long>(fields[3], Enumerable.Repeat(1000L, groupUsers.Length).ToArray().AsMemory());
                await group.WriteAsync(fields[4], Enumerable.Repeat("playlist", groupUsers.Length).ToArray());
                await group.WriteAsync(fields[5], Enumerable.Repeat("ios", groupUsers.Length).ToArray());
            }
        await world.RunAsync("publish-catalog", Day);

        var result = await world.RunAsync("ingest-listening-events", Day);

        Assert.That(result.Status, Is.EqualTo(JobRunStatus.Published), result.Message);
        var snapshot = world.Runner.Reader.TryResolve("listening_events", Day)!;
        var users = await ReadUserIdsAsync(snapshot);
        Assert.That(users, Is.EqualTo(Users(1, 20)), "file order; the last row re-sends the first");
        Assert.That(snapshot.Manifest.Statistics["duplicate_rows"], Is.EqualTo(1));
        var rejected = await ReadRejectsAsync(world.Runner.Reader.TryResolve("listening_events_rejects", Day)!);
        Assert.That(rejected.Keys, Is.EqualTo(new[] { 15L }), "the 1-based row counts across row groups");
        Assert.That(rejected[15].Field, Is.EqualTo("track_id"));
    }

    [Test]
    public async Task ARejectRateAboveTheThresholdPublishesNothing()
    {
        var lines = TestWorld.ValidEvents(Day, 50).Concat(Enumerable.Range(0, 10).Select(i => $"u1,t999,2026-11-02T10:00:{i:00}.000Z,1000,playlist,ios"));
        world.WriteEvents(Day, lines);
        await world.RunAsync("publish-catalog", Day);

        var result = await world.RunAsync("ingest-listening-events", Day);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.PermanentFailure));
        Assert.That(result.Message, Does.Contain("rejected_rows/input_rows"));
        Assert.That(world.Runner.Reader.TryResolve("listening_events", Day), Is.Null);
        Assert.That(world.Runner.Reader.TryResolve("listening_events_rejects", Day), Is.Null);
        Assert.That(Directory.Exists(Path.Combine(world.Root, "golden", "listening_events_rejects", "_failed")), Is.True, "the rejects are kept aside for debugging");
    }

    [Test]
    public async Task RunningTwiceGivesTheSameRowsAndTheSecondRunIsANoOp()
    {
        world.WriteEvents(Day, TestWorld.ValidEvents(Day, 100));
        await world.RunAsync("publish-catalog", Day);
        var first = await world.RunAsync("ingest-listening-events", Day);
        var second = await world.RunAsync("ingest-listening-events", Day);
        var forced = await world.RunAsync("ingest-listening-events", Day, force: true);

        Assert.That(first.Status, Is.EqualTo(JobRunStatus.Published));
        Assert.That(second.Status, Is.EqualTo(JobRunStatus.UpToDate));
        Assert.That(second.Manifests.Single(m => m.Dataset == "listening_events").RunId, Is.EqualTo(first.RunId));
        Assert.That(forced.Status, Is.EqualTo(JobRunStatus.Published));
        var a = first.Manifests.Single(m => m.Dataset == "listening_events");
        var b = forced.Manifests.Single(m => m.Dataset == "listening_events");
        Assert.That(b.RunId, Is.Not.EqualTo(a.RunId));
        Assert.That(b.Files.Select(f => f.Sha256), Is.EqualTo(a.Files.Select(f => f.Sha256)), "same inputs give byte-identical files");
    }

    [Test]
    public async Task AMissingRawDayIsNotReadyRatherThanAFailure()
    {
        await world.RunAsync("publish-catalog", Day);
        var result = await world.RunAsync("ingest-listening-events", Day);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InputsNotReady));
        Assert.That(result.Message, Does.Contain("raw/listening_events/dt=2026-11-02"));
    }

    [Test]
    public async Task AWrongHeaderIsAPermanentFailureNamingTheFile()
    {
        var path = world.WriteEvents(Day, TestWorld.ValidEvents(Day, 10));
        File.WriteAllText(path, File.ReadAllText(path).Replace("user_id,track_id", "track_id,user_id"));
        await world.RunAsync("publish-catalog", Day);
        var result = await world.RunAsync("ingest-listening-events", Day);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.PermanentFailure));
        Assert.That(result.Message, Does.Contain("part-00000.csv: line 1"));
    }

    /// <summary>The user_id of every published event, in file order.</summary>
    private static async Task<List<string>> ReadUserIdsAsync(PublishedSnapshot snapshot)
    {
        var users = new List<string>();
        await foreach (var row in SnapshotReader.ReadRowsAsync(snapshot)) users.Add((string)row[0]!);
        return users;
    }

    private static async Task<Dictionary<long, (string Source, string Field, string Reason)>> ReadRejectsAsync(PublishedSnapshot snapshot)
    {
        var rows = new Dictionary<long, (string, string, string)>();
        await foreach (var row in SnapshotReader.ReadRowsAsync(snapshot)) rows[(long)row[1]!] = ((string)row[0]!, (string)row[2]!, (string)row[3]!);
        return rows;
    }
}
