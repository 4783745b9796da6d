using System.Globalization;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Snapshots;
using BatchJobs.Core.Tables;
using CsvHelper;

namespace BatchJobs.Jobs.Catalog;

/// <summary>
/// <c>publish-catalog</c> → <c>tracks</c> and <c>artists</c> (daily): the raw catalogue as of the logical date, so
/// that checks can verify relationships and jobs can join artists and genres. Consumers: ingest (known tracks and
/// durations), every job that needs an artist or a genre. A catalogue row that does not parse fails the run with the
/// file, line and field: a catalogue with holes would silently reject good listening events.
/// </summary>
public sealed class PublishCatalogJob : IJob
{
    public const string TracksFile = "raw/catalog/tracks.csv";
    public const string ArtistsFile = "raw/catalog/artists.csv";
    private static readonly string[] TrackHeader = ["track_id", "artist_id", "album_id", "title", "genre", "duration_ms", "release_date"];
    private static readonly string[] ArtistHeader = ["artist_id", "name", "genres"];

    public string Name => "publish-catalog";

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var tracksFile = context.RawFiles(TracksFile).Single();
        var artistsFile = context.RawFiles(ArtistsFile).Single();

        var tracks = context.Stage("tracks");
        var trackRows = ReadCsv(tracksFile, TrackHeader);
        await using (var writer = await ParquetTableWriter.CreateAsync(tracks.FilePath("part-00000.parquet"), tracks.Contract.Schema, cancellationToken))
            await writer.WriteRowGroupAsync(trackRows.Count, ToTrackColumns(tracksFile, trackRows), cancellationToken);

        var artists = context.Stage("artists");
        var artistRows = ReadCsv(artistsFile, ArtistHeader);
        await using (var writer = await ParquetTableWriter.CreateAsync(artists.FilePath("part-00000.parquet"), artists.Contract.Schema, cancellationToken))
            await writer.WriteRowGroupAsync(artistRows.Count, ToArtistColumns(artistRows), cancellationToken);

        await context.PublishAsync([artists, tracks], cancellationToken);
    }

    private static List<(long Line, string[] Fields)> ReadCsv(string file, string[] header)
    {
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
        };
        using var csv = CsvReader.FromFile(file, options);
        if (!csv.Headers.SequenceEqual(header))
            throw new BadInputException($"{file}: line 1: the header must be '{string.Join(",", header)}'");
        var rows = new List<(long, string[])>();
        try
        {
            while (csv.Read())
            {
                if (csv.FieldCount != header.Length)
                    throw new BadInputException($"{file}: line {csv.LineNumber}: {csv.FieldCount} fields, expected {header.Length} ({string.Join(",", header)}); fix the row in the catalogue export");
                var record = new string[header.Length];
                for (var i = 0; i < record.Length; i++)
                {
                    record[i] = csv.GetString(i);
                    if (string.IsNullOrWhiteSpace(record[i]) && header[i] != "genres")
                        throw new BadInputException($"{file}: line {csv.LineNumber}: field '{header[i]}' is empty; every catalogue row needs it");
                }
                rows.Add((csv.LineNumber, record));
            }
        }
        catch (CsvFormatException e)
        {
            throw new BadInputException($"{file}: {e.Message}; fix the quoting in the catalogue export");
        }
        return rows;
    }

    private static Array[] ToTrackColumns(string file, List<(long Line, string[] Fields)> rows)
    {
        var columns = new Array[] { new string[rows.Count], new string[rows.Count], new string[rows.Count], new string[rows.Count], new string[rows.Count], new long[rows.Count], new DateOnly[rows.Count] };
        for (var r = 0; r < rows.Count; r++)
        {
            var (line, f) = rows[r];
            for (var c = 0; c < 5; c++) ((string[])columns[c])[r] = f[c];
            if (!long.TryParse(f[5], NumberStyles.None, CultureInfo.InvariantCulture, out var duration) || duration <= 0)
                throw new BadInputException($"{file}: line {line}: field 'duration_ms' = '{f[5]}' is not a positive whole number of milliseconds");
            ((long[])columns[5])[r] = duration;
            if (!SnapshotLayout.TryParseDate(f[6], out var released))
                throw new BadInputException($"{file}: line {line}: field 'release_date' = '{f[6]}' is not a YYYY-MM-DD date");
            ((DateOnly[])columns[6])[r] = released;
        }
        return columns;
    }

    private static Array[] ToArtistColumns(List<(long Line, string[] Fields)> rows) =>
        Enumerable.Range(0, 3).Select(c => (Array)rows.Select(r => r.Fields[c]).ToArray()).ToArray();
}
