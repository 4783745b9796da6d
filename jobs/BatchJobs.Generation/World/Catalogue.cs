using BatchJobs.Generation.Sampling;

namespace BatchJobs.Generation.World;

/// <summary>
/// The generated music catalogue, read-only once built and shared by all workers: tracks grouped contiguously by
/// artist and, within an artist, by album; popularity tables for sampling; new releases per genre.
/// </summary>
internal sealed class Catalogue
{
    /// <summary>Largest number of genres an artist has.</summary>
    public const int MaxArtistGenres = 3;

    /// <summary>Marks an unused slot of <see cref="ArtistGenres"/>.</summary>
    public const byte NoGenre = byte.MaxValue;

    /// <summary>Seed the catalogue was built from (names are regenerated from it).</summary>
    public required long Seed { get; init; }

    /// <summary>First generated day; release days are relative to it.</summary>
    public required DateOnly StartDate { get; init; }

    /// <summary>Number of generated days.</summary>
    public required int Days { get; init; }

    /// <summary>All tracks; the index is the track's id number.</summary>
    public required TrackInfo[] Tracks { get; init; }

    /// <summary>First track of each artist; entry <c>ArtistCount</c> is the track count.</summary>
    public required int[] ArtistFirstTrack { get; init; }

    /// <summary>Genres of each artist, <see cref="MaxArtistGenres"/> slots per artist, primary first, padded with <see cref="NoGenre"/>.</summary>
    public required byte[] ArtistGenres { get; init; }

    /// <summary>First track of each album; entry <c>AlbumCount</c> is the track count.</summary>
    public required int[] AlbumFirstTrack { get; init; }

    /// <summary>Samples any track by popularity.</summary>
    public required AliasTable Popularity { get; init; }

    /// <summary>Samples a track of one genre by popularity; null for a genre with no tracks.</summary>
    public required AliasTable?[] PopularityByGenre { get; init; }

    /// <summary>Samples a genre for a user's taste, restricted to genres that have tracks.</summary>
    public required AliasTable TasteGenres { get; init; }

    /// <summary>Per genre, tracks released inside the window, ordered by release day.</summary>
    public required int[][] NewReleasesByGenre { get; init; }

    /// <summary>Per genre, the release day of each entry of <see cref="NewReleasesByGenre"/>.</summary>
    public required int[][] NewReleaseDaysByGenre { get; init; }

    /// <summary>A track released before the window, the fallback when sampling keeps finding unreleased tracks.</summary>
    public required int AlwaysReleasedTrack { get; init; }

    /// <summary>Number of tracks.</summary>
    public int TrackCount => Tracks.Length;

    /// <summary>Number of artists.</summary>
    public int ArtistCount => ArtistFirstTrack.Length - 1;

    /// <summary>Number of albums.</summary>
    public int AlbumCount => AlbumFirstTrack.Length - 1;

    /// <summary>Calendar date of a day relative to <see cref="StartDate"/>.</summary>
    public DateOnly DateOf(int relativeDay) => StartDate.AddDays(relativeDay);
}
