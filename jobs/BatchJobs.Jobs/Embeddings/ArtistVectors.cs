namespace BatchJobs.Jobs.Embeddings;

/// <summary>Artist vectors from track vectors: a kernel (no I/O), so it can run on a Spark executor unchanged.</summary>
public static class ArtistVectors
{
    /// <summary>
    /// Each artist's vector is the mean of its tracks' vectors weighted by <paramref name="trackWeights"/> (e.g. the
    /// track's total affinity); an artist whose tracks all weigh zero gets their plain mean.
    /// </summary>
    /// <param name="trackVectors">Track vectors, row-major, <paramref name="factors"/> per track.</param>
    /// <param name="trackArtists">The artist index of each track.</param>
    /// <param name="trackWeights">The weight of each track.</param>
    /// <param name="artists">How many artists.</param>
    /// <param name="factors">The vector dimension.</param>
    /// <param name="destination">Receives <c>artists x factors</c> values.</param>
    /// <param name="trackCounts">Receives the number of tracks of each artist.</param>
    public static void WeightedMean(ReadOnlySpan<float> trackVectors, ReadOnlySpan<int> trackArtists, ReadOnlySpan<float> trackWeights,
        int artists, int factors, Span<float> destination, Span<int> trackCounts)
    {
        if (trackVectors.Length != trackArtists.Length * factors || trackWeights.Length != trackArtists.Length)
            throw new ArgumentException("track vectors, artists and weights must describe the same tracks");
        if (destination.Length != artists * factors || trackCounts.Length != artists)
            throw new ArgumentException("destination must hold artists x factors values and trackCounts one count per artist");
        destination.Clear();
        trackCounts.Clear();
        Span<double> totals = artists <= 4096 ? stackalloc double[artists] : new double[artists];
        for (var t = 0; t < trackArtists.Length; t++)
        {
            totals[trackArtists[t]] += trackWeights[t];
            trackCounts[trackArtists[t]]++;
        }
        for (var t = 0; t < trackArtists.Length; t++)
        {
            var a = trackArtists[t];
            var weight = totals[a] > 0 ? trackWeights[t] / totals[a] : 1.0 / trackCounts[a];
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(trackVectors.Slice(t * factors, factors), (float)weight,
                destination.Slice(a * factors, factors), destination.Slice(a * factors, factors));
        }
    }
}
