using System.Globalization;

namespace BatchJobs.Generation;

/// <summary>
/// Where the raw inputs live under a root folder and what their columns are. The generator writes this layout;
/// ingest reads it.
/// </summary>
public static class RawLayout
{
    /// <summary>Columns of a listening-event file, in order.</summary>
    public static readonly IReadOnlyList<string> EventColumns =
        ["user_id", "track_id", "ts", "ms_played", "context", "platform"];

    /// <summary>Columns of <c>tracks.csv</c>, in order.</summary>
    public static readonly IReadOnlyList<string> TrackColumns =
        ["track_id", "artist_id", "album_id", "title", "genre", "duration_ms", "release_date"];

    /// <summary>Columns of <c>artists.csv</c>, in order (<c>genres</c> is <c>;</c>-separated).</summary>
    public static readonly IReadOnlyList<string> ArtistColumns = ["artist_id", "name", "genres"];

    /// <summary>Columns of <c>users.csv</c>, in order.</summary>
    public static readonly IReadOnlyList<string> UserColumns = ["user_id", "country", "signup_date"];

    /// <summary><c>ROOT/raw/listening_events</c>.</summary>
    public static string EventsFolder(string root) => Path.Combine(root, "raw", "listening_events");

    /// <summary><c>ROOT/raw/listening_events/dt=YYYY-MM-DD</c>.</summary>
    public static string EventPartitionFolder(string root, DateOnly date) =>
        Path.Combine(EventsFolder(root), "dt=" + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    /// <summary><c>part-00000.csv</c> or <c>part-00000.parquet</c>.</summary>
    public static string EventPartFileName(int part, EventFileFormat format) =>
        "part-" + part.ToString("D5", CultureInfo.InvariantCulture) + (format == EventFileFormat.Csv ? ".csv" : ".parquet");

    /// <summary><c>ROOT/raw/catalog/tracks.csv</c>.</summary>
    public static string TracksFile(string root) => Path.Combine(root, "raw", "catalog", "tracks.csv");

    /// <summary><c>ROOT/raw/catalog/artists.csv</c>.</summary>
    public static string ArtistsFile(string root) => Path.Combine(root, "raw", "catalog", "artists.csv");

    /// <summary><c>ROOT/raw/users.csv</c>.</summary>
    public static string UsersFile(string root) => Path.Combine(root, "raw", "users.csv");
}
