using BatchJobs.Core.Tables;

namespace BatchJobs.Jobs.Clustering;

/// <summary>The genre of each track and the name of each artist, from the published <c>tracks</c> and <c>artists</c>.</summary>
public sealed class CatalogueLookup(IReadOnlyDictionary<string, string> trackGenres, IReadOnlyDictionary<string, string> artistNames)
{
    public IReadOnlyDictionary<string, string> TrackGenres { get; } = trackGenres;
    public IReadOnlyDictionary<string, string> ArtistNames { get; } = artistNames;

    /// <summary>The artist's name, or its id when the catalogue does not know it.</summary>
    public string ArtistName(string artistId) => ArtistNames.TryGetValue(artistId, out var name) ? name : artistId;

    public static async Task<CatalogueLookup> ReadAsync(IReadOnlyList<string> trackFiles, IReadOnlyList<string> artistFiles, CancellationToken cancellationToken)
    {
        var genres = await ReadPairsAsync(trackFiles, "track_id", "genre", cancellationToken);
        var names = await ReadPairsAsync(artistFiles, "artist_id", "name", cancellationToken);
        return new CatalogueLookup(genres, names);
    }

    private static async Task<Dictionary<string, string>> ReadPairsAsync(IReadOnlyList<string> files, string key, string value, CancellationToken cancellationToken)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var names = (await ParquetRows.ReadColumnNamesAsync(file, cancellationToken)).ToList();
            var (k, v) = (names.IndexOf(key), names.IndexOf(value));
            if (k < 0 || v < 0) throw new InvalidDataException($"{file} lacks column '{key}' or '{value}'");
            await foreach (var row in ParquetRows.ReadAsync(file, cancellationToken)) pairs[(string)row[k]!] = (string)row[v]!;
        }
        return pairs;
    }
}
