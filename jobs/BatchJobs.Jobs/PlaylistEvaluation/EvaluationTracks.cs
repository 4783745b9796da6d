using Apache.Arrow;
using BatchJobs.Core.Plans;
using BatchJobs.Scoring.TopK;

namespace BatchJobs.Jobs.PlaylistEvaluation;

/// <summary>
/// The tracks of the model as the evaluation kernels index them, built once per worker from the side input
/// <c>track_popularity</c>: track <c>t</c> is the track of popularity rank <c>t + 1</c>, so the tracks in popularity
/// order are simply 0, 1, 2, …
/// </summary>
public sealed class EvaluationTracks
{
    private readonly Dictionary<string, int> index;

    private EvaluationTracks(Dictionary<string, int> index, string[] trackIds, int[] artistOfTrack, int[] popularityRank)
    {
        this.index = index;
        TrackIds = trackIds;
        ArtistOfTrack = artistOfTrack;
        PopularityRank = popularityRank;
    }

    public int Count => PopularityRank.Length;

    /// <summary>The id of each track number.</summary>
    public string[] TrackIds { get; }

    /// <summary>An artist number per track (numbers only say which tracks share an artist).</summary>
    public int[] ArtistOfTrack { get; }

    /// <summary>1 = the most played track; equal to the track's number plus one.</summary>
    public int[] PopularityRank { get; }

    /// <summary>The track's number, or -1 for a track the model does not hold.</summary>
    public int IndexOf(string trackId) => index.GetValueOrDefault(trackId, -1);

    /// <summary>Builds the index from rows of <c>track_popularity</c> (track_id, artist_id, popularity_rank) in any order.</summary>
    /// <exception cref="InvalidDataException">The ranks are not 1..n, each once.</exception>
    public static EvaluationTracks From(RecordBatch rows)
    {
        var ids = rows.Strings("track_id");
        var artists = rows.Strings("artist_id");
        var ranks = rows.Int32s("popularity_rank");
        var index = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        var trackIds = new string[ids.Length];
        var artistOfTrack = new int[ids.Length];
        var popularityRank = new int[ids.Length];
        var artistNumbers = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var r = 0; r < ids.Length; r++)
        {
            var t = ranks[r] - 1;
            if (t < 0 || t >= ids.Length || popularityRank[t] != 0)
                throw new InvalidDataException($"track_popularity, track '{ids[r]}': popularity_rank {ranks[r]} is not one of 1..{ids.Length} held by no other track");
            index[ids[r]] = t;
            trackIds[t] = ids[r];
            popularityRank[t] = ranks[r];
            if (!artistNumbers.TryGetValue(artists[r], out var artist)) artistNumbers[artists[r]] = artist = artistNumbers.Count;
            artistOfTrack[t] = artist;
        }
        return new EvaluationTracks(index, trackIds, artistOfTrack, popularityRank);
    }

    /// <summary>
    /// The unit vectors of the tracks, row-major in this index's order, from rows of <c>track_embeddings</c>
    /// (track_id, vector); a zero vector stays zero.
    /// </summary>
    /// <exception cref="InvalidDataException">A track of the index has no vector.</exception>
    public UnitVectors Vectors(RecordBatch embeddings)
    {
        var ids = embeddings.Strings("track_id");
        var vectors = embeddings.FloatMatrix("vector", out var factors);
        var ordered = new float[Count * factors];
        var seen = new bool[Count];
        for (var r = 0; r < ids.Length; r++)
        {
            var t = IndexOf(ids[r]);
            if (t < 0) continue;
            vectors.AsSpan(r * factors, factors).CopyTo(ordered.AsSpan(t * factors, factors));
            seen[t] = true;
        }
        var missing = System.Array.IndexOf(seen, false);
        if (missing >= 0) throw new InvalidDataException($"track_embeddings has no vector for the track of popularity rank {missing + 1}; track_popularity must come from the same model");
        return new UnitVectors(FactorMatrix.UnitRows(ordered, factors), factors);
    }
}

/// <summary>Unit vectors, row-major, in the order of an <see cref="EvaluationTracks"/> index.</summary>
public sealed record UnitVectors(float[] Values, int Factors);
