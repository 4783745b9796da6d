namespace BatchJobs.Jobs.Playlists;

/// <summary>
/// One user's candidates for <see cref="DiversityReranker"/>, as parallel arrays a worker fills and reuses user after
/// user (grown on demand, never shrunk), so re-ranking allocates nothing per user.
/// </summary>
public sealed class RerankCandidates
{
    private int capacity;
    private float[]? source;

    public RerankCandidates(int factors, int capacity = 64)
    {
        Factors = factors;
        Grow(capacity);
    }

    public int Factors { get; }

    /// <summary>How many candidates are filled.</summary>
    public int Count { get; private set; }

    /// <summary>Relevance, normalised so the best candidate has 1.</summary>
    public float[] Relevance { get; private set; } = [];

    /// <summary>A bounded boost (artist priority); only one boosted candidate is ever picked with its boost.</summary>
    public float[] Boost { get; private set; } = [];

    /// <summary>0 = least popular, 1 = most popular.</summary>
    public float[] Popularity { get; private set; } = [];

    /// <summary>A per-user artist number, 0..Count-1 (equal for tracks of one artist).</summary>
    public int[] ArtistSlot { get; private set; } = [];

    /// <summary>A per-user cluster number indexing <see cref="ClusterCaps"/>.</summary>
    public int[] ClusterSlot { get; private set; } = [];

    /// <summary>Whether the candidate comes from a cluster adjacent to the user's.</summary>
    public bool[] Adjacent { get; private set; } = [];

    /// <summary>Unit vectors, <see cref="Factors"/> per candidate, for similarity between picks (candidates added with a copy).</summary>
    public float[] Vectors { get; private set; } = [];

    /// <summary>The matrix row of each candidate added by row.</summary>
    internal int[] SourceRows { get; private set; } = [];

    /// <summary>The most picks of each per-user cluster number.</summary>
    public int[] ClusterCaps { get; private set; } = [];

    /// <summary>Re-ranking scratch: the largest similarity of each candidate to the picks so far.</summary>
    internal float[] MaxSimilarity { get; private set; } = [];

    /// <summary>Re-ranking scratch: whether each candidate is picked.</summary>
    internal bool[] Picked { get; private set; } = [];

    /// <summary>Re-ranking scratch: picks per artist slot.</summary>
    internal int[] ArtistPicks { get; private set; } = [];

    /// <summary>Re-ranking scratch: picks per cluster slot.</summary>
    internal int[] ClusterPicks { get; private set; } = [];

    /// <summary>Re-ranking scratch: how many of the picks so far each candidate has been compared with.</summary>
    internal int[] Compared { get; private set; } = [];

    /// <summary>Re-ranking scratch: an upper bound of each candidate's value (its value when last computed).</summary>
    internal float[] Bound { get; private set; } = [];

    /// <summary>Re-ranking scratch: the heap of candidates whose cluster is below its cap.</summary>
    internal int[] OpenHeap { get; private set; } = [];

    /// <summary>Re-ranking scratch: the heap of candidates whose cluster reached its cap.</summary>
    internal int[] CappedHeap { get; private set; } = [];

    /// <summary>Re-ranking scratch: values of the candidates a step scores.</summary>
    internal float[] Scratch { get; private set; } = [];

    /// <summary>Empties the list, keeping room for <paramref name="candidates"/> candidates.</summary>
    public void Reset(int candidates)
    {
        if (candidates > capacity) Grow(Math.Max(candidates, capacity * 2));
        Count = 0;
        source = null;
    }

    /// <summary>Appends a candidate and returns its index; its vector is copied.</summary>
    public int Add(float relevance, float boost, float popularity, int artistSlot, int clusterSlot, bool adjacent, ReadOnlySpan<float> unitVector)
    {
        if (source is not null) throw new InvalidOperationException("this list reads its vectors in place from one matrix; add every candidate by row");
        var i = Append(relevance, boost, popularity, artistSlot, clusterSlot, adjacent);
        unitVector.CopyTo(Vectors.AsSpan(i * Factors, Factors));
        return i;
    }

    /// <summary>
    /// Appends a candidate whose unit vector is row <paramref name="row"/> of <paramref name="unitVectors"/> (row-major,
    /// <see cref="Factors"/> per row) and returns its index. The row is read in place, not copied, and only if re-ranking
    /// compares the candidate at all; every candidate of the list must then come from the same matrix.
    /// </summary>
    public int Add(float relevance, float boost, float popularity, int artistSlot, int clusterSlot, bool adjacent, float[] unitVectors, int row)
    {
        if (Count > 0 && !ReferenceEquals(source, unitVectors))
            throw new InvalidOperationException("candidates added by row must all come from one matrix, and not mix with copied vectors");
        source = unitVectors;
        var i = Append(relevance, boost, popularity, artistSlot, clusterSlot, adjacent);
        SourceRows[i] = row;
        return i;
    }

    /// <summary>The unit vector of candidate <paramref name="c"/>.</summary>
    public ReadOnlySpan<float> VectorOf(int c) => source is null ? Vectors.AsSpan(c * Factors, Factors) : source.AsSpan(SourceRows[c] * Factors, Factors);

    private int Append(float relevance, float boost, float popularity, int artistSlot, int clusterSlot, bool adjacent)
    {
        if (Count == capacity) Grow(capacity * 2);
        var i = Count++;
        Relevance[i] = relevance;
        Boost[i] = boost;
        Popularity[i] = popularity;
        ArtistSlot[i] = artistSlot;
        ClusterSlot[i] = clusterSlot;
        Adjacent[i] = adjacent;
        return i;
    }

    private void Grow(int size)
    {
        capacity = size;
        Relevance = Resize(Relevance, size);
        Boost = Resize(Boost, size);
        Popularity = Resize(Popularity, size);
        ArtistSlot = Resize(ArtistSlot, size);
        ClusterSlot = Resize(ClusterSlot, size);
        Adjacent = Resize(Adjacent, size);
        ClusterCaps = Resize(ClusterCaps, size);
        MaxSimilarity = Resize(MaxSimilarity, size);
        Picked = Resize(Picked, size);
        ArtistPicks = Resize(ArtistPicks, size);
        ClusterPicks = Resize(ClusterPicks, size);
        Compared = Resize(Compared, size);
        Bound = Resize(Bound, size);
        OpenHeap = Resize(OpenHeap, size);
        CappedHeap = Resize(CappedHeap, size);
        Scratch = Resize(Scratch, size);
        Vectors = Resize(Vectors, size * Factors);
        SourceRows = Resize(SourceRows, size);
    }

    private static T[] Resize<T>(T[] array, int size)
    {
        Array.Resize(ref array, size);
        return array;
    }
}
