using System.Globalization;
using System.Text.RegularExpressions;

namespace BatchJobs.Generation.Tests.Support;

/// <summary>
/// A reference validator, independent of the generator's code, holding raw event rows to the rules an ingest
/// enforces: six fields, known user and track, strict ISO-8601 UTC timestamp inside the day, integer
/// <c>ms_played</c> within 0..duration + 10 min, known context and platform.
/// </summary>
public sealed partial class StrictEventValidator
{
    private static readonly HashSet<string> Contexts = ["playlist", "collection", "album", "artist", "radio", "search"];
    private static readonly HashSet<string> Platforms = ["ios", "android", "desktop", "web", "smart_speaker", "car"];

    private readonly Dictionary<string, (long DurationMs, DateOnly Released)> _tracks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateOnly> _users = new(StringComparer.Ordinal);

    public StrictEventValidator(string root)
    {
        foreach (var row in RawEventFiles.ReadCsv(RawLayout.TracksFile(root)).Rows)
        {
            _tracks.Add(row[0], (long.Parse(row[5], CultureInfo.InvariantCulture), DateOnly.ParseExact(row[6], "yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }

        foreach (var row in RawEventFiles.ReadCsv(RawLayout.UsersFile(root)).Rows)
        {
            _users.Add(row[0], DateOnly.ParseExact(row[2], "yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Why the row must be rejected, or null when it is valid.</summary>
    public string? Reject(string[] f, DateOnly day)
    {
        if (f.Length != 6)
        {
            return "columns";
        }

        if (!_users.ContainsKey(f[0]))
        {
            return "user_id";
        }

        if (!_tracks.TryGetValue(f[1], out var track))
        {
            return "track_id";
        }

        if (!StrictUtc().IsMatch(f[2]) ||
            !DateTime.TryParseExact(f[2], "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime ts))
        {
            return "ts";
        }

        if (DateOnly.FromDateTime(ts) != day)
        {
            return "ts outside day";
        }

        if (!long.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out long ms) || ms > track.DurationMs + 600_000)
        {
            return "ms_played";
        }

        if (!Contexts.Contains(f[4]))
        {
            return "context";
        }

        return Platforms.Contains(f[5]) ? null : "platform";
    }

    /// <summary>Release date of a known track.</summary>
    public DateOnly ReleaseDate(string trackId) => _tracks[trackId].Released;

    /// <summary>Duration of a known track.</summary>
    public long DurationMs(string trackId) => _tracks[trackId].DurationMs;

    /// <summary>Sign-up date of a known user.</summary>
    public DateOnly SignupDate(string userId) => _users[userId];

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex StrictUtc();
}
