namespace BatchJobs.Scoring.TopK;

/// <summary>
/// Where the approximate mode starts each user's candidate list: a score that the best <c>keep</c> items of the
/// user's probed clusters very likely reach, predicted from the user's own centroid scores.
/// </summary>
/// <remarks>
/// <para>A list started at -infinity appends every item scored until it first fills and is cut back: with 7 x k
/// items probed, most appends (and most of the lists' memory traffic) are of items that never make the top k.
/// Started near its final threshold, a list appends little more than the items that do.</para>
/// <para>The prediction is the centroid score of the user's <see cref="Rank"/>-th best probed cluster plus
/// <see cref="NormMultiple"/> times the user's norm: scores scale with the norm, and an offset rather than a
/// ratio holds whatever the sign of the scores. The multiple is calibrated on a sample of users scored from
/// -infinity (<see cref="Calibrate"/>). A user whose list still ends short, because its keep-th best is below
/// the start, is scored again from -infinity, so the prediction changes the time taken, never the result.</para>
/// </remarks>
internal sealed class StartingThresholds(int rank, float normMultiple)
{
    /// <summary>
    /// The share of the calibration sample whose lists would have started too high. Each such user is scored
    /// twice, and a lower start lets more candidates into every list: on the benchmark's model, 1 % starts the
    /// lists about 10 % below their final threshold.
    /// </summary>
    public const double ShortShare = 0.01;

    /// <summary>Which of a user's probed clusters, best first, the prediction starts from (1 is the best).</summary>
    public int Rank => rank;

    /// <summary>How many times the user's norm the start lies above that cluster's centroid score.</summary>
    public float NormMultiple => normMultiple;

    /// <summary>The rank to predict from when users probe <paramref name="probes"/> clusters: the middle one.</summary>
    public static int RankFor(int probes) => Math.Max(1, probes / 2);

    /// <summary>
    /// The start of the list of a user of norm <paramref name="norm"/> that probes <paramref name="probed"/>, best
    /// first, given its <paramref name="centroidScores"/> (one per cluster).
    /// </summary>
    public float For(ReadOnlySpan<int> probed, ReadOnlySpan<float> centroidScores, float norm) =>
        RankedScore(rank, probed, centroidScores) + normMultiple * norm;

    /// <summary>
    /// The centroid score of the <paramref name="rank"/>-th of <paramref name="probed"/> (best first), or of the last
    /// for a user probing fewer clusters.
    /// </summary>
    public static float RankedScore(int rank, ReadOnlySpan<int> probed, ReadOnlySpan<float> centroidScores) =>
        centroidScores[probed[Math.Min(rank, probed.Length) - 1]];

    /// <summary>
    /// The multiple of the norm that all but <see cref="ShortShare"/> of a sample's <paramref name="offsets"/> reach:
    /// per sampled user, (its keep-th best probed score - the centroid score at <paramref name="rank"/>) / its norm.
    /// Sorts <paramref name="offsets"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The sample is empty.</exception>
    public static StartingThresholds Calibrate(int rank, Span<float> offsets)
    {
        if (offsets.IsEmpty) throw new ArgumentException("Calibrating starting thresholds needs at least one sampled user.", nameof(offsets));
        offsets.Sort();
        return new StartingThresholds(rank, offsets[(int)(ShortShare * offsets.Length)]);
    }
}
