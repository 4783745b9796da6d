using BatchJobs.Generation.Events;
using BatchJobs.Generation.Output;
using BatchJobs.Generation.Tests.Support;
using BatchJobs.Generation.World;
using Parquet;
using Parquet.Schema;

namespace BatchJobs.Generation.Tests.Output;

public sealed class ParquetEventPartWriterTests
{
    [Test]
    public async Task Parquet_days_have_the_documented_schema_and_match_the_summary()
    {
        using var root = new TempFolder();
        var summary = await WorldGenerator.GenerateAsync(TestWorlds.Small(root.Path, format: EventFileFormat.Parquet));
        foreach (var day in summary.Days)
        {
            Assert.That(Path.GetFileName(day.Files.Single()), Is.EqualTo("part-00000.parquet"));
            await using var reader = await ParquetReader.CreateAsync(day.Files[0]);
            DataField[] fields = reader.Schema.DataFields;
            Assert.That(fields.Select(f => f.Name), Is.EqualTo(RawLayout.EventColumns));
            var ts = fields[2] as DateTimeDataField;
            Assert.That(ts, Is.Not.Null);
            Assert.That((ts!.DateTimeFormat, ts.IsAdjustedToUTC, ts.Unit), Is.EqualTo((DateTimeFormat.Timestamp, true, DateTimeTimeUnit.Millis)));
            Assert.That(fields[3].ClrType, Is.EqualTo(typeof(long)));
            foreach (int i in new[] { 0, 1, 4, 5 })
            {
                Assert.That(fields[i].ClrType, Is.EqualTo(typeof(string)).Or.EqualTo(typeof(ReadOnlyMemory<char>)), fields[i].Name);
            }

            long rows = 0;
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                rows += group.RowCount;
            }

            Assert.That(rows, Is.EqualTo(day.Rows));
        }

        var validator = new StrictEventValidator(root.Path);
        foreach (var day in summary.Days)
        {
            Assert.That(RawEventFiles.ReadEvents(day.Files[0]).Select(r => validator.Reject(r.Fields, day.Date)), Has.All.Null);
        }
    }

    [Test]
    public async Task Parquet_holds_only_type_valid_faults_and_a_strict_reader_rejects_exactly_them()
    {
        using var root = new TempFolder();
        var summary = await WorldGenerator.GenerateAsync(TestWorlds.Small(root.Path, badRows: 0.2, format: EventFileFormat.Parquet));

        Assert.That(summary.BadRowsByKind.Keys, Is.EquivalentTo(WorldGenerator.ParquetBadRowKinds));
        Assert.That(summary.BadRowsByKind.Values, Has.All.GreaterThan(0));
        var validator = new StrictEventValidator(root.Path);
        foreach (var day in summary.Days)
        {
            var rows = RawEventFiles.ReadEvents(day.Files[0]);
            Assert.That(rows.Count(r => validator.Reject(r.Fields, day.Date) is not null), Is.EqualTo(day.BadRows), day.Date.ToString());
        }
    }

    [Test]
    public async Task Rows_spanning_several_row_groups_read_back_in_order_with_nulls_for_empty_values()
    {
        using var root = new TempFolder();
        string path = Path.Combine(root.Path, "part-00000.parquet");
        var ids = new EntityIds(users: 100, tracks: 100, artists: 10, albums: 10);
        var rows = Enumerable.Range(0, 2_500).Select(i => new EventRow
        {
            User = i % 7 == 0 ? -1 : i % 100,
            Track = i % 11,
            TsMs = 1_793_627_112_345 + i,
            MsPlayed = i,
            Context = (byte)(i % EventVocabulary.Contexts.Length),
            Platform = i % 13 == 0 ? EventVocabulary.NoPlatform : (byte)(i % EventVocabulary.Platforms.Length),
        }).ToArray();

        await using (var writer = await ParquetEventPartWriter.CreateAsync(path, ids, CancellationToken.None, rowGroupRows: 1_000))
        {
            await writer.WriteAsync(rows.AsMemory(0, 1_700), CancellationToken.None);
            await writer.WriteAsync(rows.AsMemory(1_700), CancellationToken.None);
            await writer.CommitAsync(CancellationToken.None);
        }

        await using var reader = await ParquetReader.CreateAsync(path);
        Assert.That(reader.RowGroupCount, Is.EqualTo(3));
        var read = RawEventFiles.ReadEvents(path);
        Assert.That(read, Has.Count.EqualTo(2_500));
        for (int i = 0; i < rows.Length; i += 7)
        {
            Assert.That(read[i].Fields[0], Is.EqualTo(rows[i].User < 0 ? "" : ids.User(rows[i].User)));
            Assert.That(read[i].Fields[3], Is.EqualTo(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        Assert.That(read[0].Fields[2], Is.EqualTo("2026-11-02T13:45:12.345Z"));
        Assert.That(read[13].Fields[5], Is.Empty);
    }

    [Test]
    public async Task A_writer_disposed_without_commit_leaves_nothing_behind()
    {
        using var root = new TempFolder();
        string path = Path.Combine(root.Path, "part-00000.parquet");
        await using (var writer = await ParquetEventPartWriter.CreateAsync(path, new EntityIds(1, 1, 1, 1), CancellationToken.None))
        {
            await writer.WriteAsync(new[] { new EventRow() }, CancellationToken.None);
        }

        Assert.That(Directory.GetFiles(root.Path), Is.Empty);
    }
}
