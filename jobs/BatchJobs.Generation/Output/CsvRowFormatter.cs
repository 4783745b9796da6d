using System.Buffers.Text;
using BatchJobs.Generation.Events;
using BatchJobs.Generation.Sampling;
using BatchJobs.Generation.World;

namespace BatchJobs.Generation.Output;

/// <summary>
/// Formats event rows as UTF-8 CSV lines, including the textual malformations only CSV can carry.
/// </summary>
/// <remarks>
/// Written by hand rather than with CsvHelper for two reasons: no field of a good row ever needs quoting (ids,
/// ISO timestamps, integers and a fixed vocabulary), so formatting straight to bytes is several times faster;
/// and malformed rows must come out exactly as malformed as intended, which a correct CSV writer would
/// repair by quoting. No row ever contains a double quote or a line break, so every row is exactly one line
/// for any reader. Not thread-safe (it caches the current date prefix).
/// </remarks>
internal sealed class CsvRowFormatter
{
    /// <summary>Upper bound of the bytes one formatted row takes, line end included.</summary>
    public const int MaxRowBytes = 256;

    private const int DayMs = UserDaySimulator.DayMs;

    private static readonly int UnixEpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    private static readonly byte[][] UnparseableTimestamps =
    [
        "not-a-timestamp"u8.ToArray(), [], "yesterday 10pm"u8.ToArray(), "T25:61:61.000Z"u8.ToArray(),
        "-13-45T10:00:00.000Z"u8.ToArray(), "-02-30T12:00:00.000Z"u8.ToArray(),
    ];

    private static readonly byte[] ControlBytes = [0x00, 0x01, 0x07, 0x1B, 0x7F, 0xFF, 0xC3, 0xFE];

    private static readonly byte[] GarbageText =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'()*+-./:;<=>?@[\\]^_`{|}~ "u8.ToArray();

    private static readonly byte[] GarbageBinary =
        [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0E, 0x0F, 0x10, 0x11, 0x1A, 0x1B, 0x1F, 0x7F, 0x80, 0x9F, 0xC0, 0xC3, 0xE2, 0xF0, 0xFE, 0xFF];

    private readonly EntityIds _ids;
    private readonly byte[] _datePrefix = new byte[11];
    private long _cachedDay = long.MinValue;

    /// <summary>Creates a formatter for the given id scheme.</summary>
    public CsvRowFormatter(EntityIds ids) => _ids = ids;

    /// <summary>The header line, <c>\n</c>-terminated.</summary>
    public static byte[] Header => System.Text.Encoding.UTF8.GetBytes(string.Join(',', RawLayout.EventColumns) + "\n");

    /// <summary>Formats <paramref name="row"/> into <paramref name="destination"/> (at least <see cref="MaxRowBytes"/> long); returns the bytes written.</summary>
    public int Format(in EventRow row, Span<byte> destination)
    {
        BadRowKind? fault = row.Fault;
        uint variant = row.Variant;
        if (fault == BadRowKind.Garbage)
        {
            return WriteGarbage(variant, destination);
        }

        int p = 0;
        if (row.User >= 0)
        {
            p += _ids.WriteUser(row.User, destination);
        }

        destination[p++] = (byte)',';
        if (row.Track >= 0)
        {
            int start = p;
            p += _ids.WriteTrack(row.Track, destination[p..]);
            if (fault == BadRowKind.ControlCharacters && (variant & 1) == 0)
            {
                p = InsertControlByte(destination, start, p, variant);
            }
        }

        destination[p++] = (byte)',';
        p += fault switch
        {
            BadRowKind.UnparseableTimestamp => WriteUnparseableTimestamp(row.TsMs, variant, destination[p..]),
            BadRowKind.TimestampWithoutOffset => WriteTimestampWithoutOffset(row.TsMs, variant, destination[p..]),
            _ => WriteTimestamp(row.TsMs, destination[p..], utcDesignator: true),
        };
        destination[p++] = (byte)',';
        if (fault == BadRowKind.MsPlayedNotInteger)
        {
            p += WriteNotInteger(row.MsPlayed, variant, destination[p..]);
        }
        else
        {
            int start = p;
            Utf8Formatter.TryFormat(row.MsPlayed, destination[p..], out int written);
            p += written;
            if (fault == BadRowKind.ControlCharacters && (variant & 1) == 1)
            {
                p = InsertControlByte(destination, start, p, variant);
            }
        }

        // Wrong column count: 0 drops context, 1 drops context and platform, 2 appends a seventh field.
        uint shape = fault == BadRowKind.WrongColumnCount ? variant % 3 : uint.MaxValue;
        if (shape != 0 && shape != 1)
        {
            destination[p++] = (byte)',';
            p += Copy(EventVocabulary.ContextUtf8[row.Context], destination[p..]);
        }

        if (shape != 1)
        {
            destination[p++] = (byte)',';
            if (row.Platform != EventVocabulary.NoPlatform)
            {
                p += Copy(EventVocabulary.PlatformUtf8[row.Platform], destination[p..]);
            }
        }

        if (shape == 2)
        {
            p += Copy(",retry=1"u8, destination[p..]);
        }

        destination[p++] = (byte)'\n';
        return p;
    }

    /// <summary>Writes <c>yyyy-MM-ddTHH:mm:ss.fff</c> and, if asked, <c>Z</c>.</summary>
    private int WriteTimestamp(long unixMs, Span<byte> destination, bool utcDesignator)
    {
        long day = Math.DivRem(unixMs, DayMs, out long msOfDay);
        if (msOfDay < 0)
        {
            day--;
            msOfDay += DayMs;
        }

        if (day != _cachedDay)
        {
            var date = DateOnly.FromDayNumber(UnixEpochDayNumber + (int)day);
            date.TryFormat(_datePrefix, out _, "yyyy-MM-dd'T'", System.Globalization.CultureInfo.InvariantCulture);
            _cachedDay = day;
        }

        _datePrefix.CopyTo(destination);
        int ms = (int)msOfDay;
        int p = _datePrefix.Length;
        p = TwoDigits(ms / 3_600_000, destination, p);
        destination[p++] = (byte)':';
        p = TwoDigits(ms / 60_000 % 60, destination, p);
        destination[p++] = (byte)':';
        p = TwoDigits(ms / 1_000 % 60, destination, p);
        destination[p++] = (byte)'.';
        int millis = ms % 1_000;
        destination[p++] = (byte)('0' + millis / 100);
        destination[p++] = (byte)('0' + millis / 10 % 10);
        destination[p++] = (byte)('0' + millis % 10);
        if (utcDesignator)
        {
            destination[p++] = (byte)'Z';
        }

        return p;
    }

    private int WriteTimestampWithoutOffset(long unixMs, uint variant, Span<byte> destination)
    {
        int written = WriteTimestamp(unixMs, destination, utcDesignator: false);
        if (variant % 2 == 1)
        {
            destination[10] = (byte)' ';
        }

        return written;
    }

    private int WriteUnparseableTimestamp(long unixMs, uint variant, Span<byte> destination)
    {
        int choice = (int)(variant % (UnparseableTimestamps.Length + 1));
        switch (choice)
        {
            case 3:
                // A real date with an impossible time of day.
                WriteTimestamp(unixMs, destination, utcDesignator: false);
                return 10 + Copy(UnparseableTimestamps[choice], destination[10..]);
            case 4 or 5:
                // The row's year with an impossible month/day.
                WriteTimestamp(unixMs, destination, utcDesignator: false);
                return 4 + Copy(UnparseableTimestamps[choice], destination[4..]);
            case 6:
                // Epoch milliseconds: a number, not ISO-8601.
                Utf8Formatter.TryFormat(unixMs, destination, out int written);
                return written;
            default:
                return Copy(UnparseableTimestamps[choice], destination);
        }
    }

    private static int WriteNotInteger(long msPlayed, uint variant, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(msPlayed, destination, out int written);
        return (variant % 6) switch
        {
            0 => written + Copy(".5"u8, destination[written..]),
            1 => written + Copy("ms"u8, destination[written..]),
            2 => written + Copy("e3"u8, destination[written..]),
            3 => Copy("n/a"u8, destination),
            4 => Copy("99999999999999999999"u8, destination),
            _ => 0,
        };
    }

    /// <summary>Moves the bytes after the middle of [start, end) one place right and puts a control byte there.</summary>
    private static int InsertControlByte(Span<byte> destination, int start, int end, uint variant)
    {
        int at = start + Math.Max(1, (end - start) / 2);
        destination[at..end].CopyTo(destination[(at + 1)..]);
        destination[at] = ControlBytes[(variant >> 1) % (uint)ControlBytes.Length];
        return end + 1;
    }

    private static int WriteGarbage(uint variant, Span<byte> destination)
    {
        var rng = Rng.Create(variant, SeedStream.Garbage);
        int length = 12 + rng.NextInt(85);

        // Starts with a symbol so the line is never blank or mistaken for a header.
        destination[0] = "!#$%&*@~^"u8[rng.NextInt(9)];
        for (int i = 1; i < length; i++)
        {
            double r = rng.NextDouble();
            destination[i] = r switch
            {
                < 0.05 => (byte)',',
                < 0.20 => GarbageBinary[rng.NextInt(GarbageBinary.Length)],
                _ => GarbageText[rng.NextInt(GarbageText.Length)],
            };
        }

        destination[length] = (byte)'\n';
        return length + 1;
    }

    private static int TwoDigits(int value, Span<byte> destination, int p)
    {
        destination[p] = (byte)('0' + value / 10);
        destination[p + 1] = (byte)('0' + value % 10);
        return p + 2;
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        source.CopyTo(destination);
        return source.Length;
    }
}
