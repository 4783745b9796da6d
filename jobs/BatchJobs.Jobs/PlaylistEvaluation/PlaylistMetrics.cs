using System.Numerics.Tensors;

namespace BatchJobs.Jobs.Playlists;

/// <summary>How a set of playlists did (see <see cref="PlaylistMetrics.Evaluate"/>).</summary>
/// <param name="Users">Playlists evaluated.</param>
/// <param name="ActiveUsers">Of those, users who played anything in the test period.</param>
/// <param name="HitRate">Share of active users who played at least one of their playlist's tracks.</param>
/// <param name="Precision">Played playlist tracks over all playlist tracks of active users.</param>
/// <param name="IntraListDiversity">Mean over playlists of the mean pairwise cosine distance (1 − cosine) of their tracks.</param>
/// <param name="DistinctArtists">Mean distinct artists per playlist.</param>
/// <param name="MeanPopularityRank">Mean popularity rank of the playlist tracks (1 = the most played): higher is more novel.</param>
/// <param name="Coverage">Distinct tracks over all playlists, as a share of the catalogue.</param>
public sealed record PlaylistReport(int Users, int ActiveUsers, double HitRate, double Precision, double IntraListDiversity, double DistinctArtists,
    double MeanPopularityRank, double Coverage);

/// <summary>Offline metrics of playlists against what their users played next (no I/O).</summary>
public static class PlaylistMetrics
{
    /// <param name="playlists">Track rows of each playlist.</param>
    /// <param name="testPlays">For each playlist, the tracks its user played in the test period (empty: inactive).</param>
    /// <param name="unitVectors">Unit track vectors, row-major.</param>
    /// <param name="factors">Vector dimension.</param>
    /// <param name="artistOfTrack">The artist number of each track row.</param>
    /// <param name="popularityRank">Popularity rank of each track row (1 = most played).</param>
    public static PlaylistReport Evaluate(IReadOnlyList<int[]> playlists, IReadOnlyList<IReadOnlySet<int>> testPlays, ReadOnlySpan<float> unitVectors, int factors,
        ReadOnlySpan<int> artistOfTrack, ReadOnlySpan<int> popularityRank)
    {
        if (playlists.Count != testPlays.Count) throw new ArgumentException($"{playlists.Count} playlists but {testPlays.Count} test sets", nameof(testPlays));
        var catalogue = popularityRank.Length;
        var distinct = new HashSet<int>();
        var artists = new HashSet<int>();
        double diversity = 0, artistCount = 0, rankSum = 0;
        long tracks = 0, activeTracks = 0, hits = 0;
        int active = 0, usersHit = 0, diverseLists = 0;
        for (var u = 0; u < playlists.Count; u++)
        {
            var list = playlists[u];
            artists.Clear();
            var hit = 0;
            foreach (var t in list)
            {
                distinct.Add(t);
                artists.Add(artistOfTrack[t]);
                rankSum += popularityRank[t];
                if (testPlays[u].Contains(t)) hit++;
            }
            tracks += list.Length;
            artistCount += artists.Count;
            if (testPlays[u].Count > 0)
            {
                active++;
                activeTracks += list.Length;
                hits += hit;
                if (hit > 0) usersHit++;
            }
            if (list.Length < 2) continue;
            double distance = 0;
            for (var i = 0; i < list.Length; i++)
                for (var j = i + 1; j < list.Length; j++)
                    distance += 1 - TensorPrimitives.Dot(unitVectors.Slice(list[i] * factors, factors), unitVectors.Slice(list[j] * factors, factors));
            diversity += distance / (list.Length * (list.Length - 1) / 2.0);
            diverseLists++;
        }
        return new PlaylistReport(
            playlists.Count,
            active,
            active == 0 ? 0 : usersHit / (double)active,
            activeTracks == 0 ? 0 : hits / (double)activeTracks,
            diverseLists == 0 ? 0 : diversity / diverseLists,
            playlists.Count == 0 ? 0 : artistCount / playlists.Count,
            tracks == 0 ? 0 : rankSum / tracks,
            catalogue == 0 ? 0 : distinct.Count / (double)catalogue);
    }

    /// <summary>
    /// The popularity baseline for the same users: each user's <paramref name="length"/> most played tracks that are not
    /// in <paramref name="played"/>, at most <paramref name="maxPerArtist"/> per artist, like the playlist's caps.
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
