using BatchJobs.Core.Plans;
using BatchJobs.Jobs.Playlists;
using BatchJobs.Jobs.Similarity;
using BatchJobs.Scoring.TopK;

namespace BatchJobs.Jobs.DiscoverWeekly;

/// <summary>
/// What every user's Discover Weekly reads of the whole catalogue, on top of the <see cref="PlaylistCatalogue"/>: the
/// artist vectors (in id order) and unit vectors of tracks and artists for similarities, each track's artist row, each
/// cluster's tracks most popular first (listeners over the whole history) for the fallback, and the artist-priority
/// boosts by track row. Catalogue-sized, so a kernel builds it once per worker process (<see cref="Of"/>).
/// </summary>
public sealed class DiscoverWeeklyCatalogue
{
    public const string ArtistEmbeddings = "artist_embeddings";

    /// <param name="playlist">Tracks, clusters, listeners and artist names.</param>
    /// <param name="artists">Artist vectors; ids as in the tracks' artist column. Rows break ties between top artists.</param>
    /// <param name="boosts">Artist-priority boosts by track id, owner already checked (<see cref="ArtistPriority.Boosts"/>).</param>
    public DiscoverWeeklyCatalogue(PlaylistCatalogue playlist, EmbeddingTable artists, IReadOnlyDictionary<string, float> boosts)
    {
        var tracks = playlist.Tracks;
        if (artists.Factors != tracks.Factors)
            throw new ArgumentException($"track and artist vectors must come from one model (factors {tracks.Factors}, {artists.Factors})", nameof(artists));
        Playlist = playlist;
        Artists = artists;
        PackedTracks = PackedItems.Pack(tracks.AsFactorMatrix());
        UnitTracks = FactorMatrix.UnitRows(tracks.Vectors, tracks.Factors);
        UnitArtists = FactorMatrix.UnitRows(artists.Vectors, artists.Factors);
        ArtistOfTrack = tracks.Count == 0 ? [] : tracks.ArtistIds!.Select(a => artists.Index.TryGetValue(a, out var row) ? row : -1).ToArray();
        var clusters = playlist.Clusters;
        var rank = playlist.Listeners.Rank;
        ClusterPopular = Enumerable.Range(0, clusters.ClusterCount).Select(c => clusters.TracksOf(c).ToArray().OrderBy(t => rank[t]).ToArray()).ToArray();
        FallbackReasons = clusters.Genres.Select(genre => $"popular in {genre} while we learn your taste").ToArray();
        Priority = boosts.Where(b => tracks.Index.ContainsKey(b.Key)).ToDictionary(b => tracks.Index[b.Key], b => b.Value);
    }

    /// <summary>The side inputs <see cref="Of"/> reads, for a kernel stage to declare.</summary>
    public static IReadOnlyList<string> SideInputs { get; } = [.. PlaylistCatalogue.SideInputs, ArtistEmbeddings];

    public PlaylistCatalogue Playlist { get; }
    public EmbeddingTable Artists { get; }

    /// <summary>The track vectors packed once for the candidate scoring of every group.</summary>
    public PackedItems PackedTracks { get; }

    /// <summary>Track vectors scaled to length 1, row-major like the tracks.</summary>
    public float[] UnitTracks { get; }

    /// <summary>Artist vectors scaled to length 1, row-major like <see cref="Artists"/>.</summary>
    public float[] UnitArtists { get; }

    /// <summary>The artist row of each track row, -1 for an artist without a vector.</summary>
    public int[] ArtistOfTrack { get; }

    /// <summary>Each cluster's track rows, most listeners first (ties by row).</summary>
    public int[][] ClusterPopular { get; }

    /// <summary>The fallback's reason for a track of each cluster.</summary>
    public string[] FallbackReasons { get; }

    /// <summary>Artist-priority boosts by track row.</summary>
    public IReadOnlyDictionary<int, float> Priority { get; }

    /// <summary>
    /// The catalogue of a kernel's side inputs (<see cref="SideInputs"/>) with the run's flags, built on first use and
    /// then shared by every group of the process.
    /// </summary>
    /// <remarks>A stage has one kernel and so one set of flags; the owner check needs the tracks' artists, which only
    /// the side inputs hold, so it runs here rather than where the flags are read.</remarks>
    public static DiscoverWeeklyCatalogue Of(SideInputs sides, IReadOnlyList<ArtistPriority.Flag> flags) => sides.Get(ArtistEmbeddings, rows =>
    {
        var playlist = PlaylistCatalogue.Of(sides);
        var tracks = playlist.Tracks;
        var boosts = ArtistPriority.Boosts(flags, track => tracks.Index.TryGetValue(track, out var row) ? tracks.ArtistIds![row] : null);
        return new DiscoverWeeklyCatalogue(playlist, EmbeddingTable.FromRows(rows, "artist_id"), boosts);
    });
}
