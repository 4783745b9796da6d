using Apache.Arrow;
using Array = System.Array;
using BatchJobs.Core.Plans;
using BatchJobs.Scoring.TopK;

namespace BatchJobs.Jobs.Similarity;

/// <summary>
/// One of the <c>*_embeddings</c> datasets in memory: ids in file order, the artist of each row where the dataset has
/// one, and the vectors as one dense row-major matrix the scoring kernels take as it is.
/// </summary>
public sealed class EmbeddingTable
{
    public EmbeddingTable(string[] ids, string[]? artistIds, float[] vectors, int factors)
    {
        if (vectors.Length != ids.Length * factors) throw new ArgumentException($"{vectors.Length} values for {ids.Length} rows of {factors} factors", nameof(vectors));
        Ids = ids;
        ArtistIds = artistIds;
        Vectors = vectors;
        Factors = factors;
        var index = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++) index[ids[i]] = i;
        Index = index;
    }

    public string[] Ids { get; }

    /// <summary>The artist of each row (track embeddings), or null.</summary>
    public string[]? ArtistIds { get; }

    /// <summary>Row-major, <see cref="Factors"/> values per row.</summary>
    public float[] Vectors { get; }

    public int Factors { get; }

    /// <summary>Row of each id.</summary>
    public IReadOnlyDictionary<string, int> Index { get; }

    public int Count => Ids.Length;

    public ReadOnlySpan<float> Row(int row) => Vectors.AsSpan(row * Factors, Factors);

    public FactorMatrix AsFactorMatrix() => new(Vectors, Count, Factors);

    /// <summary>
    /// An embeddings relation given as rows (a kernel's side input): the id column, <c>vector</c>, and <c>artist_id</c>
    /// when present, in id order (ordinal).
    /// </summary>
    /// <remarks>
    /// Side inputs arrive in no guaranteed order; the ALS job writes its rows in id order, so sorting by id gives the
    /// rows the files give, and so the same ties wherever a row number breaks one.
    /// </remarks>
    public static EmbeddingTable FromRows(RecordBatch rows, string idColumn)
    {
        var ids = rows.Strings(idColumn);
        var vectors = rows.FloatMatrix("vector", out var width);
        var artists = rows.Schema.GetFieldIndex("artist_id") >= 0 ? rows.Strings("artist_id") : null;
        var order = Enumerable.Range(0, ids.Length).ToArray();
        Array.Sort(ids.ToArray(), order, StringComparer.Ordinal);
        var factors = Math.Max(width, 1);
        var sorted = new float[ids.Length * factors];
        if (width > 0)
            for (var i = 0; i < order.Length; i++) vectors.AsSpan(order[i] * width, width).CopyTo(sorted.AsSpan(i * width, width));
        return new EmbeddingTable(order.Select(i => ids[i]).ToArray(), artists is null || ids.Length == 0 ? null : order.Select(i => artists[i]).ToArray(), sorted, factors);
    }
}
