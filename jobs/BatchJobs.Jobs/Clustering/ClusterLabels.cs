namespace BatchJobs.Jobs.Clustering;

/// <summary>What a taste cluster is about: its leading genre with the share of its tracks in it, and its top artists.</summary>
public sealed record ClusterLabel(int ClusterId, int Tracks, string LeadingGenre, double GenreShare, IReadOnlyList<string> TopArtistIds, string Label);

/// <summary>Labels clusters from the genres and artists of their tracks (no I/O).</summary>
public static class ClusterLabels
{
    /// <summary>
    /// Per cluster: the genre most of its tracks have (ties by name), and the <paramref name="topArtists"/> artists
    /// with the most tracks in it (ties by id); the label reads "genre · Artist, Artist, Artist".
    /// </summary>
    /// <param name="assignments">The cluster of each track.</param>
    /// <param name="genres">The genre of each track.</param>
    /// <param name="artistIds">The artist of each track.</param>
    /// <param name="artistNames">Display names by artist id; an unknown artist shows its id.</param>
    /// <param name="clusters">How many clusters.</param>
    /// <param name="topArtists">How many artists a label names.</param>
    public static IReadOnlyList<ClusterLabel> Label(ReadOnlySpan<int> assignments, IReadOnlyList<string> genres, IReadOnlyList<string> artistIds,
        IReadOnlyDictionary<string, string> artistNames, int clusters, int topArtists)
    {
        var genreCounts = new Dictionary<string, int>[clusters];
        var artistCounts = new Dictionary<string, int>[clusters];
        var sizes = new int[clusters];
        for (var c = 0; c < clusters; c++)
        {
            genreCounts[c] = new Dictionary<string, int>(StringComparer.Ordinal);
            artistCounts[c] = new Dictionary<string, int>(StringComparer.Ordinal);
        }
        for (var t = 0; t < assignments.Length; t++)
        {
            var c = assignments[t];
            sizes[c]++;
            genreCounts[c][genres[t]] = genreCounts[c].GetValueOrDefault(genres[t]) + 1;
            artistCounts[c][artistIds[t]] = artistCounts[c].GetValueOrDefault(artistIds[t]) + 1;
        }
        var labels = new List<ClusterLabel>(clusters);
        for (var c = 0; c < clusters; c++)
        {
            var genre = genreCounts[c].OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key).FirstOrDefault() ?? "unknown";
            var share = sizes[c] == 0 ? 0 : genreCounts[c].GetValueOrDefault(genre) / (double)sizes[c];
            var artists = artistCounts[c].OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(topArtists).Select(p => p.Key).ToList();
            var names = artists.Select(a => artistNames.TryGetValue(a, out var name) ? name : a);
            labels.Add(new ClusterLabel(c, sizes[c], genre, share, artists, $"{genre} · {string.Join(", ", names)}"));
        }
        return labels;
    }
}
