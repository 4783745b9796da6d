using System.Globalization;
using BatchJobs.Core.Jobs;

namespace BatchJobs.Jobs.DiscoverWeekly;

/// <summary>
/// Tracks their artists flagged for promotion, from the optional raw CSV <c>raw/artist_priority/artist_priority.csv</c>
/// (<c>artist_id,track_id,start_date,end_date,max_boost</c>, dates <c>YYYY-MM-DD</c> inclusive, boost &gt;= 0): the
/// boost of each track flagged during a given period. The contract declares the file as an optional raw input, so the
/// job runs without it and the run's fingerprint and lineage follow it.
/// </summary>
public static class ArtistPriority
{
    /// <summary>Where the file is expected below the root (the contract's raw input).</summary>
    public const string RelativePath = "raw/artist_priority/artist_priority.csv";

    private const string Header = "artist_id,track_id,start_date,end_date,max_boost";

    /// <summary>A row of the file: <paramref name="ArtistId"/> flags <paramref name="TrackId"/> with a boost of at most <paramref name="MaxBoost"/>.</summary>
    public sealed record Flag(string ArtistId, string TrackId, float MaxBoost);

    /// <summary>
    /// The flags whose dates overlap <paramref name="from"/>..<paramref name="to"/>, in file order; empty when there is
    /// no file. Whether the artist may flag the track is <see cref="Boosts"/>'s to decide, against the model's tracks.
    /// </summary>
    /// <param name="files">The raw input's files: none when it is absent.</param>
    /// <param name="from">First day of the period.</param>
    /// <param name="to">Last day of the period.</param>
    /// <exception cref="BadInputException">A row does not parse; the message names the file, line and field.</exception>
    public static List<Flag> Read(IReadOnlyList<string> files, DateOnly from, DateOnly to)
    {
        var flags = new List<Flag>();
        foreach (var path in files) ReadFile(path, from, to, flags);
        return flags;
    }

    /// <summary>
    /// The largest boost of each flagged track. A flag whose track belongs to another artist than it says is ignored:
    /// only the artist may flag.
    /// </summary>
    /// <param name="flags">Flags of the period (<see cref="Read"/>).</param>
    /// <param name="artistOfTrack">The artist of a track id, or null for a track the model does not know.</param>
    public static Dictionary<string, float> Boosts(IEnumerable<Flag> flags, Func<string, string?> artistOfTrack)
    {
        var boosts = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var flag in flags)
            if (artistOfTrack(flag.TrackId) == flag.ArtistId) boosts[flag.TrackId] = Math.Max(flag.MaxBoost, boosts.GetValueOrDefault(flag.TrackId));
        return boosts;
    }

    private static void ReadFile(string path, DateOnly from, DateOnly to, List<Flag> flags)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0].Trim() != Header)
            throw new BadInputException($"{path}, line 1: the header must be '{Header}'");
        for (var i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var fields = lines[i].Split(',');
            string Where(string field) => $"{path}, line {i + 1}, field {field}";
            if (fields.Length != 5) throw new BadInputException($"{path}, line {i + 1}: {fields.Length} fields where the header has 5 ({Header})");
            if (!DateOnly.TryParseExact(fields[2].Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start))
                throw new BadInputException($"{Where("start_date")}: '{fields[2]}' is not a YYYY-MM-DD date");
            if (!DateOnly.TryParseExact(fields[3].Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end) || end < start)
                throw new BadInputException($"{Where("end_date")}: '{fields[3]}' is not a YYYY-MM-DD date on or after start_date");
            if (!float.TryParse(fields[4].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var boost) || !(boost >= 0))
                throw new BadInputException($"{Where("max_boost")}: '{fields[4]}' is not a number >= 0");
            var (artist, track) = (fields[0].Trim(), fields[1].Trim());
            if (end < from || start > to) continue;
            flags.Add(new Flag(artist, track, boost));
        }
    }
}
