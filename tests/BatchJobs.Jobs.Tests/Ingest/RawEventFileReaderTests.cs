using System.Globalization;
using BatchJobs.Core.Engine;
using BatchJobs.Core.Jobs;
using BatchJobs.Jobs.Ingest;
using DuckDB.NET.Data;

namespace BatchJobs.Jobs.Tests.Ingest;

/// <summary>
/// The Parquet reader against the CSV reader: the same events written both ways (a null in Parquet where CSV has an
/// empty field) must be accepted and rejected alike, row for line.
/// </summary>
public class RawEventFileReaderTests
{
    private static readonly DateOnly Day = new(2026, 11, 2);
    private static readonly HashSet<string> Platforms = new(["ios", "web"], StringComparer.Ordinal);
    private static readonly TrackCatalogue Catalogue = new(["t1", "t2", "trè-ø"], ["a1", "a2", "a3"], [200_000, 200_000, 200_000]);
    private static readonly string LongUser = new('é', 150); // 300 UTF-8 bytes: longer than the stack buffer

    /// <summary>Rejected lines; an empty field becomes a null in Parquet.</summary>
    private static readonly string[] Rejected =
    [
        ",t1,2026-11-02T10:00:01.000Z,1000,playlist,ios",
        "u1,,2026-11-02T10:00:02.000Z,1000,playlist,ios",
        "u1,t1,,1000,playlist,ios",
        "u1,t1,2026-11-02T10:00:03.000Z,,playlist,ios",
        "u1,t1,2026-11-02T10:00:04.000Z,1000,,ios",
        "u1,t1,2026-11-02T10:00:05.000Z,1000,playlist,",
        "u1,t9,2026-11-02T10:00:06.000Z,1000,playlist,ios",
        "u1,t1,2026-11-03T00:00:00.000Z,1000,playlist,ios",
        "u1,t1,2026-11-02T10:00:07.000Z,-5,playlist,ios",
        "u\u0001x,t1,2026-11-02T10:00:08.000Z,1000,playlist,ios",
        "u1,t1,2026-11-02T10:00:09.000Z,1000,playlist,toaster",
    ];

    /// <summary>Timestamps only text can hold; the typed variants cannot store them.</summary>
    private static readonly string[] RejectedAsText =
    [
        "u1,t1,yesterday,1000,playlist,ios",
        "u1,t1,2026-11-02T10:00:10,1000,playlist,ios",
    ];

    /// <summary>Accepted lines with ids beyond ASCII, and one too long to decode on the stack.</summary>
    private static readonly string[] NonAscii =
    [
        "usér-ø,trè-ø,2026-11-02T11:00:00.000Z,1000,radio ☕,web",
        "用户-1,t2,2026-11-02T11:00:01.000Z,1000,playlist,ios",
        "🎵-fan,t1,2026-11-02T11:00:02.250Z,1000,playlist,ios",
        $"{LongUser},t1,2026-11-02T11:00:03.000Z,1000,playlist,ios",
    ];

    private string folder = null!;

    [SetUp]
    public void SetUp() => Directory.CreateDirectory(folder = Path.Combine(Path.GetTempPath(), "batchjobs-reader-" + Guid.NewGuid().ToString("N")[..10]));

    [TearDown]
    public void TearDown() => Directory.Delete(folder, recursive: true);

    [TestCase("varchar")]
    [TestCase("timestamptz")]
    [TestCase("timestamp")]
    [TestCase("timestamp_ns")]
    public async Task NullsInEveryColumnAreRejectedLikeTheEquivalentCsvLines(string tsType)
    {
        // About 9,000 rows in row groups of 3,000: several DuckDB batches, validated in parallel and merged in order.
        var good = Enumerable.Range(0, 9_000).Select(i => $"u{i % 97},t{1 + i % 2},{Day.ToDateTime(TimeOnly.MinValue).AddSeconds(i):yyyy-MM-ddTHH:mm:ss.fff}Z,1000,playlist,ios").ToList();
        var bad = tsType == "varchar" ? Rejected.Concat(RejectedAsText).ToList() : Rejected.ToList();
        var lines = good.Take(2_000).Concat(bad.Take(5)).Concat(good.Skip(2_000).Take(3_000)).Concat(NonAscii).Concat(bad.Skip(5)).Concat(good.Skip(5_000)).ToList();
        var (csv, parquet) = WriteBoth(lines, tsType);

        var fromCsv = await ReadAsync(csv);
        var fromParquet = await ReadAsync(parquet);

        Assert.That(fromParquet.Rejected.Select(r => r.LineNumber + 1), Is.EqualTo(fromCsv.Rejected.Select(r => r.LineNumber)), "row n of the Parquet file is line n + 1 of the CSV");
        Assert.That(fromCsv.Rejected, Has.Count.EqualTo(bad.Count));
        foreach (var (p, c) in fromParquet.Rejected.Zip(fromCsv.Rejected))
        {
            var fields = lines[(int)c.LineNumber - 2].Split(',');
            // A typed null has no text to quote, so it is refused as empty where CSV refuses the empty text it cannot parse.
            var typedNull = (c.Field == "ms_played" && fields[3] == "") || (c.Field == "ts" && fields[2] == "" && tsType != "varchar");
            Assert.That((p.Field, p.Reason), Is.EqualTo((c.Field, typedNull ? ListeningEventValidator.EmptyReason : c.Reason)), $"line {c.LineNumber}: {c.RawRecord}");
        }
        Assert.That(Events(fromParquet), Is.EqualTo(Events(fromCsv)));
        Assert.That(Events(fromParquet).Select(e => e.User), Is.SupersetOf(new[] { "usér-ø", "用户-1", "🎵-fan", LongUser }));
        Assert.That(Events(fromParquet).Single(e => e.User == "usér-ø"), Is.EqualTo(("usér-ø", "trè-ø", new DateTime(2026, 11, 2, 11, 0, 0, DateTimeKind.Utc).Ticks, 1000L, "radio ☕", "web")));
    }

    [Test]
    public async Task ARejectedParquetRowKeepsItsValuesAsText()
    {
        var (_, parquet) = WriteBoth(["ü1,t9,2026-11-02T10:00:00.000Z,1000,playlist,ios", "u1,t1,2026-11-02T10:00:01.000Z,,,ios"], "timestamptz");

        var rejected = (await ReadAsync(parquet)).Rejected;

        Assert.That(rejected.Select(r => (r.LineNumber, r.Field, r.RawRecord)), Is.EqualTo(new[]
        {
            (1L, "track_id", "ü1,t9,2026-11-02T10:00:00.0000000Z,1000,playlist,ios"),
            (2L, "ms_played", "u1,t1,2026-11-02T10:00:01.0000000Z,,,ios"),
        }));
    }

    [Test]
    public async Task ATimestampBeyondTheYear9999IsRejectedOnTs()
    {
        var path = Path.Combine(folder, "far.parquet");
        using (var session = new DuckDbSession())
            session.CopyToParquet("select 'u1' as user_id, 't1' as track_id, timestamptz '20000-01-01 00:00:00+00' as ts, 1000::bigint as ms_played, " +
                "'playlist' as context, 'ios' as platform", path);

        var rejected = (await ReadAsync(path)).Rejected.Single();

        Assert.That((rejected.Field, rejected.Reason), Is.EqualTo(("ts", "568971820800000000 microseconds after 1970-01-01 is not an instant between the years 1 and 9999")));
    }

    [Test]
    public async Task AMissingColumnFailsNamingTheFileAndTheColumnsNeeded()
    {
        var path = Path.Combine(folder, "no-platform.parquet");
        using (var session = new DuckDbSession())
            session.CopyToParquet("select 'u1' as user_id, 't1' as track_id, timestamptz '2026-11-02 10:00:00+00' as ts, 1000::bigint as ms_played, 'playlist' as context", path);

        var error = await Assert.ThrowsAsync<BadInputException>(() => ReadAsync(path));

        Assert.That(error!.Message, Is.EqualTo($"{path}: has no column 'platform'; raw events need user_id, track_id, ts, ms_played, context, platform"));
    }

    [Test]
    public async Task AColumnOfAnUnreadableTypeFailsNamingTheTypeNeeded()
    {
        var path = Path.Combine(folder, "fractional.parquet");
        using (var session = new DuckDbSession())
            session.CopyToParquet("select 'u1' as user_id, 't1' as track_id, timestamptz '2026-11-02 10:00:00+00' as ts, 12.5::double as ms_played, " +
                "'playlist' as context, 'ios' as platform", path);

        var error = await Assert.ThrowsAsync<BadInputException>(() => ReadAsync(path));

        Assert.That(error!.Message, Does.StartWith($"{path}: column 'ms_played' is DOUBLE; raw events store it as whole milliseconds"));
    }

    [Test]
    public async Task ATruncatedFileFailsAsBadInputNamingTheFile()
    {
        var (_, parquet) = WriteBoth(["u1,t1,2026-11-02T10:00:00.000Z,1000,playlist,ios"], "timestamptz");
        var bytes = File.ReadAllBytes(parquet);
        File.WriteAllBytes(parquet, bytes[..(bytes.Length / 2)]);

        var error = await Assert.ThrowsAsync<BadInputException>(() => ReadAsync(parquet));

        Assert.That(error!.Message, Does.StartWith($"{parquet}: is not a readable Parquet file (").And.EndWith("); export it again"));
    }

    /// <summary>Writes the lines as a CSV file and, through DuckDB, as a Parquet file in row groups of 3,000 with
    /// <c>ts</c> of the given type, <c>ms_played</c> a BIGINT and every empty field a null.</summary>
    /// <remarks>Written by a database of its own, which keeps the lines in order (DuckDB's default), so the shared
    /// database's settings stay as the code under test has them; UTC, like every session, for the timestamp casts.</remarks>
    private (string Csv, string Parquet) WriteBoth(IReadOnlyList<string> lines, string tsType)
    {
        var csv = Path.Combine(folder, "events.csv");
        var parquet = Path.Combine(folder, "events.parquet");
        File.WriteAllText(csv, string.Join(",", ListeningEventValidator.Header) + "\n" + string.Join("\n", lines) + "\n");
        using var database = new DuckDBConnection("Data Source=:memory:");
        database.Open();
        using var copy = database.CreateCommand();
        var ts = tsType == "varchar" ? "ts" : $"cast(cast(ts as timestamptz) as {tsType})";
        copy.CommandText = $"""
            set TimeZone = 'UTC';
            copy (
                select user_id, track_id, {ts} as ts, ms_played, context, platform
                from read_csv({DuckDbSession.Literal(csv)}, header = true, quote = '', escape = '',
                    columns = {"{"}'user_id': 'varchar', 'track_id': 'varchar', 'ts': 'varchar', 'ms_played': 'bigint', 'context': 'varchar', 'platform': 'varchar'{"}"})
            ) to {DuckDbSession.Literal(parquet)} (format parquet, row_group_size 3000)
            """;
        copy.ExecuteNonQuery();
        return (csv, parquet);
    }

    private static Task<ValidatedFile> ReadAsync(string path) =>
        RawEventFileReader.ReadAsync(path, Path.GetFileName(path), new ListeningEventValidator(Catalogue, Day, Platforms, 600_000), CancellationToken.None);

    private static List<(string User, string Track, long Ticks, long MsPlayed, string Context, string Platform)> Events(ValidatedFile file) =>
        file.Accepted.SelectMany(b => Enumerable.Range(0, b.Count).Select(i =>
            (b.Users[i], Catalogue.TrackIds[b.Tracks[i]], b.PlayedAtTicks[i], b.MsPlayed[i], b.Contexts[i], b.Platforms[i]))).ToList();
}
