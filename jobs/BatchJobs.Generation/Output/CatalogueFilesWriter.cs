using System.Text;
using BatchJobs.Generation.World;
using CsvHelper;

namespace BatchJobs.Generation.Output;

/// <summary>
/// Writes <c>tracks.csv</c>, <c>artists.csv</c> and <c>users.csv</c> with CsvHelper, which quotes titles and
/// names that hold commas or double quotes. UTF-8 without a byte-order mark, <c>\n</c> line ends.
/// </summary>
internal static class CatalogueFilesWriter
{
    private const int CancellationCheckRows = 1 << 14;

    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with { NewLine = "\n" };

    /// <summary>Writes <c>tracks.csv</c>: <c>track_id,artist_id,album_id,title,genre,duration_ms,release_date</c>.</summary>
    public static Task WriteTracksAsync(string path, Catalogue catalogue, EntityIds ids, CancellationToken cancellationToken) =>
        WriteAsync(path, RawLayout.TrackColumns, catalogue.TrackCount, (csv, t) =>
        {
            TrackInfo track = catalogue.Tracks[t];
            csv.WriteField(ids.Track(t));
            csv.WriteField(ids.Artist(track.Artist));
            csv.WriteField(ids.Album(track.Album));
            csv.WriteField(Names.TrackTitle(catalogue.Seed, t));
            csv.WriteField(Genres.Names[track.Genre]);
            csv.WriteField(track.DurationMs);
            csv.WriteField(catalogue.DateOf(track.ReleaseDay));
        }, cancellationToken);

    /// <summary>Writes <c>artists.csv</c>: <c>artist_id,name,genres</c> with genres <c>;</c>-separated, primary first.</summary>
    public static Task WriteArtistsAsync(string path, Catalogue catalogue, EntityIds ids, CancellationToken cancellationToken)
    {
        var genres = new StringBuilder();
        return WriteAsync(path, RawLayout.ArtistColumns, catalogue.ArtistCount, (csv, a) =>
        {
            genres.Clear();
            foreach (byte g in catalogue.ArtistGenres.AsSpan(a * Catalogue.MaxArtistGenres, Catalogue.MaxArtistGenres))
            {
                if (g != Catalogue.NoGenre)
                {
                    genres.Append(genres.Length == 0 ? "" : ";").Append(Genres.Names[g]);
                }
            }

            csv.WriteField(ids.Artist(a));
            csv.WriteField(Names.ArtistName(catalogue.Seed, a));
            csv.WriteField(genres.ToString());
        }, cancellationToken);
    }

    /// <summary>Writes <c>users.csv</c>: <c>user_id,country,signup_date</c>.</summary>
    public static Task WriteUsersAsync(string path, Catalogue catalogue, int users, EntityIds ids, CancellationToken cancellationToken)
    {
        var profile = new UserProfile();
        return WriteAsync(path, RawLayout.UserColumns, users, (csv, u) =>
        {
            profile.Load(catalogue.Seed, u, catalogue);
            csv.WriteField(ids.User(u));
            csv.WriteField(Countries.Codes[profile.Country]);
            csv.WriteField(catalogue.DateOf(profile.SignupDay));
        }, cancellationToken);
    }

    private static async Task WriteAsync(
        string path,
        IReadOnlyList<string> header,
        int rows,
        Action<CsvWriter, int> writeRow,
        CancellationToken cancellationToken)
    {
        await using var file = new AtomicFile(path);
        await using (var csv = CsvWriter.Create(file.Stream, Options, leaveOpen: true))
        {
            foreach (string column in header)
            {
                csv.WriteField(column);
            }

            csv.EndRecord();
            for (int i = 0; i < rows; i++)
            {
                if (i % CancellationCheckRows == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                writeRow(csv, i);
                csv.EndRecord();
            }
        }

        await file.CommitAsync(cancellationToken);
    }
}
