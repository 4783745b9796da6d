using BatchJobs.Generation.Events;
using BatchJobs.Generation.Sampling;

namespace BatchJobs.Generation.World;

/// <summary>
/// A user's stable traits — country, sign-up day, how much they listen, their devices and 1–6 genre taste
/// clusters — re-derived from (seed, user) whenever needed rather than stored, so memory does not grow with the
/// number of users. A worker owns one instance and reloads it per user.
/// </summary>
internal sealed class UserProfile
{
    /// <summary>Most taste clusters a user has.</summary>
    public const int MaxClusters = 6;

    private static readonly AliasTable ClusterCounts = AliasTable.Create([15, 25, 25, 17, 10, 8]);

    private readonly byte[] _clusterGenres = new byte[MaxClusters];
    private readonly double[] _clusterCumulative = new double[MaxClusters];

    /// <summary>Country index into <see cref="Countries.Codes"/>.</summary>
    public int Country { get; private set; }

    /// <summary>Sign-up day relative to the first generated day; the user plays nothing before it.</summary>
    public int SignupDay { get; private set; }

    /// <summary>Listening volume relative to the average user (lognormal with mean 1).</summary>
    public double Activity { get; private set; }

    /// <summary>The device used for most sessions.</summary>
    public byte PrimaryPlatform { get; private set; }

    /// <summary>A second device (may equal the primary one).</summary>
    public byte SecondaryPlatform { get; private set; }

    /// <summary>Number of taste clusters, 1 to <see cref="MaxClusters"/>.</summary>
    public int ClusterCount { get; private set; }

    /// <summary>Number of favourite tracks the user replays across days.</summary>
    public int FavouriteCount { get; private set; }

    /// <summary>Genre of each taste cluster, strongest first.</summary>
    public ReadOnlySpan<byte> ClusterGenres => _clusterGenres.AsSpan(0, ClusterCount);

    /// <summary>Loads the traits of <paramref name="user"/>.</summary>
    public void Load(long seed, int user, Catalogue catalogue)
    {
        var rng = Rng.Create(seed, SeedStream.Users, user);
        Country = Countries.Table.Sample(ref rng);
        SignupDay = rng.Chance(0.05)
            ? rng.NextInt(catalogue.Days)
            : -(1 + (int)Math.Min(rng.NextExponential(900), 15 * 365));

        // Lognormal with mean exactly 1 before clamping: exp(sigma * z - sigma^2 / 2).
        const double sigma = 0.9;
        Activity = Math.Clamp(Math.Exp(sigma * rng.NextGaussian() - sigma * sigma / 2), 0.05, 10);
        PrimaryPlatform = (byte)EventVocabulary.PlatformTable.Sample(ref rng);
        SecondaryPlatform = (byte)EventVocabulary.PlatformTable.Sample(ref rng);

        int wanted = ClusterCounts.Sample(ref rng) + 1;
        int count = 0;
        for (int attempt = 0; count < wanted && attempt < 30; attempt++)
        {
            byte genre = (byte)catalogue.TasteGenres.Sample(ref rng);
            if (!_clusterGenres.AsSpan(0, count).Contains(genre))
            {
                _clusterGenres[count++] = genre;
            }
        }

        ClusterCount = count;
        Span<double> weights = stackalloc double[MaxClusters];
        for (int c = 0; c < count; c++)
        {
            weights[c] = rng.NextExponential(1.0);
        }

        // Strongest cluster first, so cluster 0 is the user's "main" taste.
        weights[..count].Sort((x, y) => y.CompareTo(x));
        double total = 0;
        for (int c = 0; c < count; c++)
        {
            total += weights[c];
        }

        double running = 0;
        for (int c = 0; c < count; c++)
        {
            running += weights[c] / total;
            _clusterCumulative[c] = running;
        }

        FavouriteCount = Math.Min(60, 5 + (int)(15 * Math.Sqrt(Activity)) + rng.NextInt(10));
    }

    /// <summary>Draws a taste cluster by its weight and returns its genre.</summary>
    public byte SampleClusterGenre(ref Rng rng)
    {
        double u = rng.NextDouble();
        for (int c = 0; c < ClusterCount - 1; c++)
        {
            if (u < _clusterCumulative[c])
            {
                return _clusterGenres[c];
            }
        }

        return _clusterGenres[ClusterCount - 1];
    }
}
