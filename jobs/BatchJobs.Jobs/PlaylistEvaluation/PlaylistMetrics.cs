using System.Numerics.Tensors;

namespace BatchJobs.Jobs.PlaylistEvaluation;

/// <summary>How one user's playlist did (see <see cref="PlaylistMetrics.OfUser"/>); the job sums these over users.</summary>
/// <param name="Tracks">Tracks in the playlist.</param>
/// <param name="Hits">Of those, tracks the user played in the test period.</param>
/// <param name="DistinctArtists">Distinct artists of the playlist.</param>
/// <param name="RankSum">Sum of the popularity ranks of the playlist's tracks (1 = the most played).</param>
/// <param name="HasPairs">Whether the playlist has two tracks or more, so that <paramref name="Diversity"/> is defined.</param>
/// <param name="Diversity">Mean pairwise cosine distance (1 − cosine) of the tracks; 0 without pairs.</param>
public readonly record struct UserPlaylistMetrics(int Tracks, int Hits, int DistinctArtists, long RankSum, bool HasPairs, double Diversity);

/// <summary>Offline metrics of one user's playlist against what the user played next, and the popularity baseline (no I/O).</summary>
public static class PlaylistMetrics
{
    /// <param name="playlist">Track rows of the playlist.</param>
    /// <param name="testPlays">The tracks the user played in the test period.</param>
    /// <param name="unitVectors">Unit track vectors, row-major.</param>
    /// <param name="factors">Vector dimension.</param>
    /// <param name="artistOfTrack">The artist number of each track row.</param>
    /// <param name="popularityRank">Popularity rank of each track row (1 = most played).</param>
    public static UserPlaylistMetrics OfUser(ReadOnlySpan<int> playlist, IReadOnlySet<int> testPlays, ReadOnlySpan<float> unitVectors, int factors,
        ReadOnlySpan<int> artistOfTrack, ReadOnlySpan<int> popularityRank)
    {
        var artists = new HashSet<int>();
        var hits = 0;
        long rankSum = 0;
        foreach (var t in playlist)
        {
            artists.Add(artistOfTrack[t]);
            rankSum += popularityRank[t];
            if (testPlays.Contains(t)) hits++;
        }
        if (playlist.Length < 2) return new UserPlaylistMetrics(playlist.Length, hits, artists.Count, rankSum, false, 0);
        // Each distance is rounded to float and summed in double, pair by pair in playlist order, so a playlist's
        // diversity does not depend on the engine or the group it is computed in.
        double distance = 0;
        for (var i = 0; i < playlist.Length; i++)
            for (var j = i + 1; j < playlist.Length; j++)
                distance += 1 - TensorPrimitives.Dot(unitVectors.Slice(playlist[i] * factors, factors), unitVectors.Slice(playlist[j] * factors, factors));
        return new UserPlaylistMetrics(playlist.Length, hits, artists.Count, rankSum, true, distance / (playlist.Length * (playlist.Length - 1) / 2.0));
    }

    /// <summary>
    /// The popularity baseline for a user: the <paramref name="length"/> most played tracks that are not in
    /// <paramref name="played"/>, at most <paramref name="maxPerArtist"/> per artist, like the playlist's caps.
    /// </summary>
    public static int[] PopularUnplayed(ReadOnlySpan<int> popularTracks, IReadOnlySet<int> played, ReadOnlySpan<int> artistOfTrack, int length, int maxPerArtist)
    {
        var picks = new List<int>(length);
        var perArtist = new Dictionary<int, int>();
        foreach (var t in popularTracks)
        {
            if (picks.Count == length) break;
            if (played.Contains(t)) continue;
            var taken = perArtist.GetValueOrDefault(artistOfTrack[t]);
            if (taken >= maxPerArtist) continue;
            perArtist[artistOfTrack[t]] = taken + 1;
            picks.Add(t);
        }
        return picks.ToArray();
    }
}
