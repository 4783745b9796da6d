using BatchJobs.Generation.Sampling;

namespace BatchJobs.Generation.World;

/// <summary>
/// Builds the catalogue: artists with 1–3 genres and a skewed number of tracks (a few prolific artists), tracks
/// grouped into singles, EPs and albums, lognormal durations, release dates mostly in the past with a few
/// releases inside the window, and Zipf popularity over a rank that follows the artist's own popularity.
/// </summary>
internal static class CatalogueBuilder
{
    /// <summary>Zipf exponent of track popularity by rank.</summary>
    private const double ZipfExponent = 0.9;

    /// <summary>Share of albums released inside the generated window.</summary>
    private const double NewAlbumShare = 0.04;

    /// <summary>Share of very short tracks (intros, interludes, skits) under 30 seconds.</summary>
    private const double ShortTrackShare = 0.02;

    /// <summary>Builds the catalogue for validated options.</summary>
    public static Catalogue Build(WorldOptions options)
    {
        int artistCount = options.Artists;
        int trackCount = options.Tracks;

        var artistGenres = new byte[artistCount * Catalogue.MaxArtistGenres];
        var artistScore = new double[artistCount];
        var prolific = new double[artistCount];
        var artistRng = Rng.Create(options.Seed, SeedStream.Artists);
        for (int a = 0; a < artistCount; a++)
        {
            DrawArtistGenres(ref artistRng, artistGenres.AsSpan(a * Catalogue.MaxArtistGenres, Catalogue.MaxArtistGenres));
            artistScore[a] = artistRng.NextGaussian();
            prolific[a] = Math.Exp(1.1 * artistRng.NextGaussian());
        }

        int[] artistFirstTrack = AssignTracksToArtists(options, prolific, ref artistRng);
        var tracks = new TrackInfo[trackCount];
        var albumFirstTrack = new List<int>(trackCount / 4 + 2);
        var score = new double[trackCount];
        var albumRng = Rng.Create(options.Seed, SeedStream.Albums);
        var trackRng = Rng.Create(options.Seed, SeedStream.Tracks);
        for (int a = 0; a < artistCount; a++)
        {
            int end = artistFirstTrack[a + 1];
            for (int first = artistFirstTrack[a]; first < end;)
            {
                int album = albumFirstTrack.Count;
                albumFirstTrack.Add(first);
                int size = Math.Min(AlbumSize(ref albumRng), end - first);
                int releaseDay = album == 0 ? PastReleaseDay(ref albumRng) : AlbumReleaseDay(ref albumRng, options.Days);
                for (int t = first; t < first + size; t++)
                {
                    tracks[t] = new TrackInfo(
                        a,
                        album,
                        Duration(ref trackRng),
                        releaseDay,
                        0f,
                        TrackGenre(ref trackRng, artistGenres.AsSpan(a * Catalogue.MaxArtistGenres, Catalogue.MaxArtistGenres)));
                    score[t] = artistScore[a] + 0.8 * trackRng.NextGaussian();
                }

                first += size;
            }
        }

        albumFirstTrack.Add(trackCount);
        AssignZipfWeights(tracks, score);

        return new Catalogue
        {
            Seed = options.Seed,
            StartDate = options.StartDate,
            Days = options.Days,
            Tracks = tracks,
            ArtistFirstTrack = artistFirstTrack,
            ArtistGenres = artistGenres,
            AlbumFirstTrack = albumFirstTrack.ToArray(),
            Popularity = PopularityTable(tracks, genre: -1)!,
            PopularityByGenre = Enumerable.Range(0, Genres.Count).Select(g => PopularityTable(tracks, g)).ToArray(),
            TasteGenres = TasteGenreTable(tracks),
            NewReleasesByGenre = NewReleases(tracks, out int[][] days),
            NewReleaseDaysByGenre = days,
            AlwaysReleasedTrack = 0,
        };
    }

    private static void DrawArtistGenres(ref Rng rng, Span<byte> genres)
    {
        genres.Fill(Catalogue.NoGenre);
        int count = rng.NextDouble() switch { < 0.5 => 1, < 0.85 => 2, _ => 3 };
        int filled = 0;
        for (int attempt = 0; filled < count && attempt < 20; attempt++)
        {
            byte g = (byte)Genres.Table.Sample(ref rng);
            if (!genres[..filled].Contains(g))
            {
                genres[filled++] = g;
            }
        }
    }

    /// <summary>Every artist gets one track; the rest go to artists in proportion to a heavy-tailed weight.</summary>
    private static int[] AssignTracksToArtists(WorldOptions options, double[] prolific, ref Rng rng)
    {
        int artistCount = options.Artists;
        var counts = new int[artistCount];
        Array.Fill(counts, 1);
        var table = AliasTable.Create(prolific);
        for (int extra = options.Tracks - artistCount; extra > 0; extra--)
        {
            counts[table.Sample(ref rng)]++;
        }

        var first = new int[artistCount + 1];
        for (int a = 0; a < artistCount; a++)
        {
            first[a + 1] = first[a] + counts[a];
        }

        return first;
    }

    private static int AlbumSize(ref Rng rng) => rng.NextDouble() switch
    {
        < 0.35 => 1,
        < 0.60 => rng.NextInt(3, 7),
        _ => rng.NextInt(8, 15),
    };

    private static int AlbumReleaseDay(ref Rng rng, int days) =>
        rng.Chance(NewAlbumShare) ? rng.NextInt(days) : PastReleaseDay(ref rng);

    /// <summary>Days before the window, exponential with a mean of about four years, at most forty years.</summary>
    private static int PastReleaseDay(ref Rng rng) => -(1 + (int)Math.Min(rng.NextExponential(1500), 40 * 365));

    private static int Duration(ref Rng rng)
    {
        if (rng.Chance(ShortTrackShare))
        {
            return rng.NextInt(5_000, 30_000);
        }

        // Lognormal with a median of 3.5 minutes; clamped to 30 s .. 15 min.
        double ms = Math.Exp(Math.Log(210_000) + 0.35 * rng.NextGaussian());
        return (int)Math.Clamp(ms, 30_000, 900_000);
    }

    private static byte TrackGenre(ref Rng rng, ReadOnlySpan<byte> artistGenres)
    {
        if (rng.Chance(0.8))
        {
            return artistGenres[0];
        }

        int count = artistGenres.IndexOf(Catalogue.NoGenre) is var i and >= 0 ? i : artistGenres.Length;
        return artistGenres[rng.NextInt(count)];
    }

    private static void AssignZipfWeights(TrackInfo[] tracks, double[] score)
    {
        var byRank = new int[tracks.Length];
        var keys = new double[tracks.Length];
        for (int t = 0; t < tracks.Length; t++)
        {
            byRank[t] = t;
            keys[t] = -score[t];
        }

        Array.Sort(keys, byRank);
        for (int rank = 0; rank < byRank.Length; rank++)
        {
            int t = byRank[rank];
            tracks[t] = tracks[t] with { Weight = (float)Math.Pow(rank + 1, -ZipfExponent) };
        }
    }

    /// <summary>Popularity table over one genre's tracks, or over all tracks when <paramref name="genre"/> is -1.</summary>
    private static AliasTable? PopularityTable(TrackInfo[] tracks, int genre)
    {
        var weights = new List<double>();
        var items = new List<int>();
        for (int t = 0; t < tracks.Length; t++)
        {
            if (genre < 0 || tracks[t].Genre == genre)
            {
                weights.Add(tracks[t].Weight);
                items.Add(t);
            }
        }

        return items.Count == 0 ? null : AliasTable.Create(weights.ToArray(), items.ToArray());
    }

    private static AliasTable TasteGenreTable(TrackInfo[] tracks)
    {
        var hasTracks = new bool[Genres.Count];
        foreach (var track in tracks)
        {
            hasTracks[track.Genre] = true;
        }

        var weights = new double[Genres.Count];
        for (int g = 0; g < weights.Length; g++)
        {
            weights[g] = hasTracks[g] ? Genres.Weights[g] : 0;
        }

        return AliasTable.Create(weights);
    }

    private static int[][] NewReleases(TrackInfo[] tracks, out int[][] days)
    {
        var perGenre = Enumerable.Range(0, Genres.Count).Select(_ => new List<(int Day, int Track)>()).ToArray();
        for (int t = 0; t < tracks.Length; t++)
        {
            if (tracks[t].ReleaseDay >= 0)
            {
                perGenre[tracks[t].Genre].Add((tracks[t].ReleaseDay, t));
            }
        }

        foreach (var list in perGenre)
        {
            list.Sort();
        }

        days = perGenre.Select(list => list.Select(e => e.Day).ToArray()).ToArray();
        return perGenre.Select(list => list.Select(e => e.Track).ToArray()).ToArray();
    }
}
