using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CsvHelper;

namespace BatchJobs.Jobs.Ingest;

/// <summary>
/// Validates one raw listening event against the day and the catalogue: a pure function of its fields, so every
/// reader (CSV, Parquet, a Spark partition) rejects the same rows for the same reasons.
/// </summary>
/// <remarks>
/// Not thread-safe (it pools repeated ids so a day of events holds each user id once per thread); give each thread its
/// own <see cref="Clone"/>. Timestamps must carry a UTC designator or offset: a local time is ambiguous.
/// </remarks>
public sealed class ListeningEventValidator
{
    public const int FieldCount = 6;
    public const long StreamThresholdMs = 30_000;
    public static readonly string[] Header = ["user_id", "track_id", "ts", "ms_played", "context", "platform"];

    /// <summary>Why an empty (or null) field is refused, whichever field it is.</summary>
    public const string EmptyReason = "is empty; every event needs it";

    /// <summary>Ids up to this many UTF-8 bytes are decoded on the stack; longer ones (never seen in practice) allocate.</summary>
    private const int StackFieldBytes = 128;

    private readonly TrackCatalogue tracks;
    private readonly DateOnly day;
    private readonly IReadOnlySet<string> platforms;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> platformLookup;
    private readonly long durationToleranceMs;
    private readonly DateTime dayStart;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> pooled = new Dictionary<string, string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    public ListeningEventValidator(TrackCatalogue tracks, DateOnly day, IReadOnlySet<string> platforms, long durationToleranceMs)
    {
        this.tracks = tracks;
        this.day = day;
        this.platforms = platforms;
        platformLookup = new HashSet<string>(platforms, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        this.durationToleranceMs = durationToleranceMs;
        dayStart = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
    }

    /// <summary>A validator with the same rules and its own pool of ids, for another thread.</summary>
    public ListeningEventValidator Clone() => new(tracks, day, platforms, durationToleranceMs);

    /// <summary>Validates the current record of a CSV reader, parsing numbers and timestamps from its UTF-8 bytes and
    /// decoding text fields on the stack; an accepted event is added to <paramref name="accepted"/>.</summary>
    public bool TryValidate(CsvReader csv, EventBatch accepted, out Rejection rejection)
    {
        if (csv.FieldCount != FieldCount)
        {
            rejection = new Rejection("(record)", $"{csv.FieldCount} fields, expected {FieldCount} ({string.Join(",", Header)})");
            return false;
        }
        if (!TryParseTimestamp(csv.GetSpan(2), out var playedAt, out var tsProblem))
        {
            rejection = new Rejection("ts", tsProblem);
            return false;
        }
        var ms = csv.GetSpan(3);
        if (!Utf8Parser.TryParse(ms, out long msPlayed, out var consumed) || consumed != ms.Length)
        {
            rejection = new Rejection("ms_played", $"'{Truncate(Encoding.UTF8.GetString(ms))}' is not a whole number of milliseconds");
            return false;
        }
        return TryValidate(csv.GetSpan(0), csv.GetSpan(1), playedAt, msPlayed, csv.GetSpan(4), csv.GetSpan(5), accepted, out rejection);
    }

    /// <summary>Validates an event whose timestamp and duration are already typed and whose text fields are UTF-8 bytes
    /// (Parquet input read as Arrow), decoding the text on the stack; a null text is empty.</summary>
    [SkipLocalsInit]
    public bool TryValidate(ReadOnlySpan<byte> userId, ReadOnlySpan<byte> trackId, DateTime playedAt, long msPlayed, ReadOnlySpan<byte> context,
        ReadOnlySpan<byte> platform, EventBatch accepted, out Rejection rejection)
    {
        Span<char> user = stackalloc char[StackFieldBytes];
        Span<char> track = stackalloc char[StackFieldBytes];
        Span<char> contextChars = stackalloc char[StackFieldBytes];
        Span<char> platformChars = stackalloc char[StackFieldBytes];
        return TryValidate(Chars(userId, user), Chars(trackId, track), playedAt, msPlayed, Chars(context, contextChars), Chars(platform, platformChars),
            accepted, out rejection);
    }

    /// <summary>Validates an event whose timestamp and duration are already typed; a null text is empty.</summary>
    public bool TryValidate(ReadOnlySpan<char> userId, ReadOnlySpan<char> trackId, DateTime playedAt, long msPlayed, ReadOnlySpan<char> context,
        ReadOnlySpan<char> platform, EventBatch accepted, out Rejection rejection)
    {
        if (!Text(userId, "user_id", out rejection) || !Text(trackId, "track_id", out rejection)
            || !Text(context, "context", out rejection) || !Text(platform, "platform", out rejection))
            return false;
        if (!tracks.TryGetPosition(trackId, out var track))
        {
            rejection = new Rejection("track_id", $"unknown track '{Truncate(trackId.ToString())}': not in the tracks catalogue of {day:yyyy-MM-dd}");
            return false;
        }
        if (playedAt < dayStart || playedAt >= dayStart.AddDays(1))
        {
            rejection = new Rejection("ts", $"{playedAt:yyyy-MM-ddTHH:mm:ss.fffZ} is outside the partition day {day:yyyy-MM-dd} (UTC)");
            return false;
        }
        if (msPlayed < 0)
        {
            rejection = new Rejection("ms_played", $"{msPlayed} is negative");
            return false;
        }
        var durationMs = tracks.DurationsMs[track];
        if (msPlayed > durationMs + durationToleranceMs)
        {
            rejection = new Rejection("ms_played", $"{msPlayed} exceeds the track's duration {durationMs} ms by more than the tolerance {durationToleranceMs} ms");
            return false;
        }
        if (!platformLookup.TryGetValue(platform, out var knownPlatform))
        {
            rejection = new Rejection("platform", $"'{Truncate(platform.ToString())}' is not an accepted platform ({string.Join(", ", platforms.Order())})");
            return false;
        }
        accepted.Add(Pooled(userId), track, playedAt, msPlayed, Pooled(context), knownPlatform);
        rejection = default;
        return true;
    }

    /// <summary>A stream: played at least 30 s.</summary>
    public static bool IsStream(long msPlayed) => msPlayed >= StreamThresholdMs;

    /// <summary>A skip: stopped before 30 s and before the track's end (a short track played to its end is neither).</summary>
    public static bool IsSkip(long msPlayed, long durationMs) => !IsStream(msPlayed) && msPlayed < durationMs;

    /// <summary>
    /// Parses an ISO-8601 instant that carries a UTC designator or an offset.
    /// </summary>
    public static bool TryParseTimestamp(string text, out DateTime utc, out string problem)
    {
        problem = "";
        utc = default;
        var trimmed = text.AsSpan().Trim();
        var hasDesignator = trimmed.Length > 0 && (trimmed[^1] is 'Z' or 'z' || (trimmed.Length > 6 && trimmed[^6] is '+' or '-' && trimmed[^3] == ':'));
        if (TryParseFixed(Encoding.UTF8.GetBytes(text), out utc)) return true;
        if (!DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) || trimmed.Length < 10)
        {
            problem = $"'{Truncate(text)}' is not an ISO-8601 timestamp such as 2026-11-02T13:45:12.345Z";
            return false;
        }
        if (!hasDesignator)
        {
            problem = $"'{Truncate(text)}' has no UTC designator ('Z') or offset, so the instant is ambiguous";
            return false;
        }
        utc = parsed.UtcDateTime;
        return true;
    }

    /// <summary>
    /// Parses an ISO-8601 instant from its UTF-8 bytes: the common shape without allocating, any other through
    /// <see cref="TryParseTimestamp(string, out DateTime, out string)"/>.
    /// </summary>
    public static bool TryParseTimestamp(ReadOnlySpan<byte> utf8, out DateTime utc, out string problem)
    {
        problem = "";
        return TryParseFixed(utf8, out utc) || TryParseTimestamp(Encoding.UTF8.GetString(utf8), out utc, out problem);
    }

    /// <summary>The fast path for the common shape <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>, from UTF-8 bytes.</summary>
    private static bool TryParseFixed(ReadOnlySpan<byte> s, out DateTime utc)
    {
        utc = default;
        if (s.Length != 24 || s[23] != 'Z' || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.') return false;
        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var dayOfMonth)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second) || !Digits(s, 20, 3, out var ms))
            return false;
        if (year == 0 || month is < 1 or > 12 || dayOfMonth < 1 || dayOfMonth > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return false;
        utc = new DateTime(year, month, dayOfMonth, hour, minute, second, ms, DateTimeKind.Utc);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int start, int length, out int value)
    {
        value = 0;
        for (var i = start; i < start + length; i++)
        {
            var d = s[i] - '0';
            if ((uint)d > 9) return false;
            value = value * 10 + d;
        }
        return true;
    }

    private static bool Text(ReadOnlySpan<char> value, string field, out Rejection rejection)
    {
        rejection = default;
        if (value.IsWhiteSpace())
        {
            rejection = new Rejection(field, EmptyReason);
            return false;
        }
        foreach (var c in value)
        {
            if (!char.IsControl(c) && c != '\uFFFD') continue;
            rejection = new Rejection(field, $"contains control or undecodable characters (U+{(int)c:X4}): the client sent garbage");
            return false;
        }
        return true;
    }

    /// <summary>The text of UTF-8 bytes, decoded into <paramref name="buffer"/> when it fits (invalid UTF-8 becomes U+FFFD).</summary>
    private static ReadOnlySpan<char> Chars(ReadOnlySpan<byte> utf8, Span<char> buffer) =>
        utf8.Length <= buffer.Length ? buffer[..Encoding.UTF8.GetChars(utf8, buffer)] : Encoding.UTF8.GetString(utf8).AsSpan();

    /// <summary>One string per distinct value, so repeated ids share memory and cost no allocation.</summary>
    private string Pooled(ReadOnlySpan<char> value)
    {
        if (pooled.TryGetValue(value, out var existing)) return existing;
        var text = value.ToString();
        pooled.Dictionary[text] = text;
        return text;
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
