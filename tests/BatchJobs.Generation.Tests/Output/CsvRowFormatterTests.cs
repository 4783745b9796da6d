using System.Globalization;
using System.Text;
using BatchJobs.Generation.Events;
using BatchJobs.Generation.Output;
using BatchJobs.Generation.Sampling;
using BatchJobs.Generation.World;

namespace BatchJobs.Generation.Tests.Output;

public sealed class CsvRowFormatterTests
{
    // 2026-11-02T13:45:12.345Z
    private const long Ts = 1_793_627_112_345;

    private readonly CsvRowFormatter _formatter = new(new EntityIds(users: 10, tracks: 10, artists: 2, albums: 3));

    [Test]
    public void A_good_row_is_six_plain_fields_and_a_line_feed()
    {
        Assert.That(Format(Row()), Is.EqualTo("u000001,t0000002,2026-11-02T13:45:12.345Z,1234,playlist,ios\n"));
        Assert.That(Format(Row() with { TsMs = Ts - 49_512_345 }), Is.EqualTo("u000001,t0000002,2026-11-02T00:00:00.000Z,1234,playlist,ios\n"));
        Assert.That(Format(Row() with { TsMs = Ts - 49_512_346 }), Is.EqualTo("u000001,t0000002,2026-11-01T23:59:59.999Z,1234,playlist,ios\n"));
    }

    [Test]
    public void Ids_widen_with_the_population()
    {
        var wide = new CsvRowFormatter(new EntityIds(users: 12_345_678, tracks: 100_000_000, artists: 1, albums: 1));
        var bytes = new byte[CsvRowFormatter.MaxRowBytes];
        int n = wide.Format(Row(), bytes);
        Assert.That(Encoding.UTF8.GetString(bytes, 0, n), Does.StartWith("u00000001,t00000002,"));
    }

    [Test]
    public void Semantic_faults_show_as_empty_or_unknown_values()
    {
        Assert.That(Format(Row() with { User = -1, Fault = BadRowKind.EmptyUserId }), Does.StartWith(",t0000002,"));
        Assert.That(Format(Row() with { Track = -1, Fault = BadRowKind.EmptyTrackId }), Does.StartWith("u000001,,"));
        Assert.That(Format(Row() with { Platform = EventVocabulary.NoPlatform, Fault = BadRowKind.EmptyPlatform }), Does.EndWith(",playlist,\n"));
        Assert.That(Format(Row() with { Platform = 7, Fault = BadRowKind.UnknownPlatform }), Does.EndWith(",playlist,tv\n"));
        Assert.That(Format(Row() with { MsPlayed = -5, Fault = BadRowKind.NegativeMsPlayed }), Does.Contain(",-5,"));
    }

    [TestCase(0u, 5)]
    [TestCase(1u, 4)]
    [TestCase(2u, 7)]
    public void Wrong_column_count_drops_or_adds_fields(uint variant, int fields)
    {
        Assert.That(Fields(Row() with { Fault = BadRowKind.WrongColumnCount, Variant = variant }), Has.Length.EqualTo(fields));
    }

    [Test]
    public void Every_unparseable_timestamp_variant_fails_strict_and_lenient_parsing()
    {
        var seen = new HashSet<string>();
        for (uint v = 0; v < 7; v++)
        {
            string ts = Fields(Row() with { Fault = BadRowKind.UnparseableTimestamp, Variant = v })[2];
            seen.Add(ts);
            Assert.That(DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.None, out _), Is.False, ts);
        }

        Assert.That(seen, Has.Count.EqualTo(7));
    }

    [TestCase(0u, "2026-11-02T13:45:12.345")]
    [TestCase(1u, "2026-11-02 13:45:12.345")]
    public void Timestamps_without_offset_are_valid_local_times_without_z(uint variant, string expected)
    {
        Assert.That(Fields(Row() with { Fault = BadRowKind.TimestampWithoutOffset, Variant = variant })[2], Is.EqualTo(expected));
    }

    [Test]
    public void Every_not_an_integer_variant_fails_int64_parsing()
    {
        var seen = new HashSet<string>();
        for (uint v = 0; v < 6; v++)
        {
            string ms = Fields(Row() with { Fault = BadRowKind.MsPlayedNotInteger, Variant = v })[3];
            seen.Add(ms);
            Assert.That(long.TryParse(ms, NumberStyles.Integer, CultureInfo.InvariantCulture, out _), Is.False, ms);
        }

        Assert.That(seen, Has.Count.EqualTo(6));
    }

    [Test]
    public void Control_characters_land_inside_track_id_or_ms_played()
    {
        for (uint v = 0; v < 16; v++)
        {
            byte[] line = FormatBytes(Row() with { Fault = BadRowKind.ControlCharacters, Variant = v });
            string[] fields = Encoding.UTF8.GetString(line).TrimEnd('\n').Split(',');
            int field = v % 2 == 0 ? 1 : 3;
            Assert.That(fields, Has.Length.EqualTo(6));
            Assert.That(fields[field], Has.Some.Matches<char>(c => c < 0x20 || c == 0x7F || c == '\uFFFD'), $"variant {v}");
            Assert.That(fields.Where((_, i) => i != field), Has.All.Matches<string>(f => f!.All(c => c >= 0x20 && c < 0x7F)));
        }
    }

    [Test]
    public void Garbage_is_one_line_without_quotes()
    {
        for (uint v = 0; v < 500; v++)
        {
            byte[] line = FormatBytes(Row() with { Fault = BadRowKind.Garbage, Variant = v * 2_654_435_761u });
            Assert.That(line[^1], Is.EqualTo((byte)'\n'));
            Assert.That(line.Length, Is.InRange(13, 97));
            Assert.That(line[..^1], Has.None.EqualTo((byte)'\n').And.None.EqualTo((byte)'\r').And.None.EqualTo((byte)'"'));
        }
    }

    [Test]
    public void Any_row_fits_the_maximum_and_is_exactly_one_line()
    {
        var rng = Rng.Create(1, SeedStream.EventPart);
        var kinds = Enum.GetValues<BadRowKind>();
        for (int i = 0; i < 20_000; i++)
        {
            var row = new EventRow
            {
                User = rng.NextInt(-1, 10),
                Track = rng.NextInt(-1, 2_000_000),
                TsMs = Ts + rng.NextInt(-200_000_000, 200_000_000),
                MsPlayed = rng.Chance(0.5) ? long.MinValue + rng.NextInt(1000) : long.MaxValue - rng.NextInt(1000),
                Context = (byte)rng.NextInt(EventVocabulary.Contexts.Length),
                Platform = rng.Chance(0.1) ? EventVocabulary.NoPlatform : (byte)rng.NextInt(EventVocabulary.PlatformUtf8.Length),
                Fault = rng.Chance(0.2) ? null : kinds[rng.NextInt(kinds.Length)],
                Variant = (uint)rng.NextUInt64(),
            };
            byte[] line = FormatBytes(row);
            Assert.That(line.Length, Is.LessThanOrEqualTo(CsvRowFormatter.MaxRowBytes));
            Assert.That(Array.IndexOf(line, (byte)'\n'), Is.EqualTo(line.Length - 1));
            Assert.That(line, Has.None.EqualTo((byte)'"').And.None.EqualTo((byte)'\r'));
        }
    }

    private static EventRow Row() => new()
    {
        User = 1,
        Track = 2,
        TsMs = Ts,
        MsPlayed = 1234,
        Context = EventVocabulary.Playlist,
        Platform = 0,
    };

    private string Format(EventRow row) => Encoding.UTF8.GetString(FormatBytes(row));

    private string[] Fields(EventRow row) => Format(row).TrimEnd('\n').Split(',');

    private byte[] FormatBytes(EventRow row)
    {
        var bytes = new byte[CsvRowFormatter.MaxRowBytes];
        int n = _formatter.Format(row, bytes);
        return bytes[..n];
    }
}
