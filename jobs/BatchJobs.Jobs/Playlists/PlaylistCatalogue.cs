using BatchJobs.Core.Plans;
using BatchJobs.Jobs.Clustering;
using BatchJobs.Jobs.Similarity;

namespace BatchJobs.Jobs.Playlists;

/// <summary>
/// What every user's playlist reads of the whole catalogue: the track vectors with their artists (in id order), the
/// taste clusters with each cluster's vectors in one block, the tracks' listeners over the whole history, and the
/// artists' names. Catalogue-sized, so a kernel builds it once per worker process from its side inputs
/// (<see cref="Of"/>), never per group.
/// </summary>
public sealed class PlaylistCatalogue
{
    public const string TrackEmbeddings = "track_embeddings";
    public const string TasteClusters = "taste_clusters";
    public const string TrackClusters = "track_clusters";
    public const string Artists = "artists";
    public const string Popularity = "track_popularity";

    /// <param name="tracks">Track vectors with their artists; rows are the track numbers everything else uses.</param>
    /// <param name="clusters">The taste clusters of those rows.</param>
    /// <param name="listeners">Listeners of those rows over the whole history.</param>
    /// <param name="artistName">Display name of an artist id.</param>
    public PlaylistCatalogue(EmbeddingTable tracks, TasteClusterTable clusters, TrackPopularity listeners, Func<string, string> artistName)
    {
        if (tracks.ArtistIds is null && tracks.Count > 0) throw new ArgumentException("the track embeddings have no artist_id column; playlists name and cap artists", nameof(tracks));
        if (listeners.Listeners.Length != tracks.Count) throw new ArgumentException($"listeners of {listeners.Listeners.Length} tracks for {tracks.Count} track rows", nameof(listeners));
        Tracks = tracks;
        Clusters = clusters;
        Listeners = listeners;
        ArtistName = artistName;
        ClusterVectors = new ClusterTrackVectors(tracks, clusters);
    }

    /// <summary>The side inputs <see cref="Of"/> reads, for a kernel stage to declare.</summary>
    public static IReadOnlyList<string> SideInputs { get; } = [TrackEmbeddings, TasteClusters, TrackClusters, Artists, Popularity];

    public EmbeddingTable Tracks { get; }
    public TasteClusterTable Clusters { get; }
    public TrackPopularity Listeners { get; }
    public Func<string, string> ArtistName { get; }
    public ClusterTrackVectors ClusterVectors { get; }

    /// <summary>The catalogue of a kernel's side inputs (<see cref="SideInputs"/>), built on first use and then shared.</summary>
    public static PlaylistCatalogue Of(SideInputs sides) => sides.Get(TrackEmbeddings, rows =>
    {
        var tracks = EmbeddingTable.FromRows(rows, "track_id");
        var clusters = TasteClusterTable.FromRows(sides.Rows(TasteClusters), sides.Rows(TrackClusters), tracks.Index);
        var listeners = new int[tracks.Count];
        var popularity = sides.Rows(Popularity);
        var popularTracks = popularity.Strings("track_id");
        var counts = popularity.Int32s("listeners");
        for (var r = 0; r < popularTracks.Length; r++)
            if (tracks.Index.TryGetValue(popularTracks[r], out var t)) listeners[t] = counts[r];
        var artists = sides.Rows(Artists);
        var names = artists.Strings("artist_id").Zip(artists.Strings("name")).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        // An artist the catalogue does not name shows its id.
        return new PlaylistCatalogue(tracks, clusters, new TrackPopularity(listeners), artist => names.TryGetValue(artist, out var name) ? name : artist);
    });
}
