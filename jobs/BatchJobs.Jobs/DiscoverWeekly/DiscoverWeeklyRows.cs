namespace BatchJobs.Jobs.DiscoverWeekly;

/// <summary>Why a Discover Weekly track was picked.</summary>
public enum PickSource
{
    /// <summary>Scored by the user's embedding.</summary>
    Relevant,

    /// <summary>From a cluster next to the user's taste clusters.</summary>
    Adjacent,

    /// <summary>Relevant, and boosted because its artist flagged it.</summary>
    Priority,

    /// <summary>Popular in the user's few clusters: too little history for the model.</summary>
    Fallback,
}

/// <summary>
/// Discover Weekly for every user: <see cref="Length"/> slots per user (user row x length), of which the first
/// <see cref="Counts"/> are filled.
/// </summary>
public sealed class DiscoverWeeklyRows
{
    public DiscoverWeeklyRows(int users, int length)
    {
        Users = users;
        Length = length;
        Counts = new int[users];
        Tracks = new int[users * length];
        Scores = new float[users * length];
        Sources = new PickSource[users * length];
        Reasons = new string[users * length];
    }

    public int Users { get; }
    public int Length { get; }

    /// <summary>Filled slots per user.</summary>
    public int[] Counts { get; }

    /// <summary>Track embedding rows, slot <c>user * Length + position - 1</c>.</summary>
    public int[] Tracks { get; }

    /// <summary>The model's score (or, for the fallback, the track's popularity 0..1).</summary>
    public float[] Scores { get; }

    public PickSource[] Sources { get; }
    public string[] Reasons { get; }
}
