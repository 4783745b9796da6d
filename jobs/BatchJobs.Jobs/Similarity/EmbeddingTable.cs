using Apache.Arrow;
using Array = System.Array;
using BatchJobs.Core.Plans;
using BatchJobs.Core.Tables;
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

    /// <summary>
    /// Reads the files of an embeddings dataset: the first column is the id, <c>vector</c> the list&lt;float&gt;, and
    /// <c>artist_id</c> is kept when present. Every vector must have the same length.
    /// </summary>
    public static async Task<EmbeddingTable> ReadAsync(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        var artists = new List<string>();
        var vectors = new List<float>();
        var factors = -1;
        foreach (var file in files)
        {
            var names = await ParquetRows.ReadColumnNamesAsync(file, cancellationToken);
            var vectorColumn = IndexOf(names, "vector", file);
            var artistColumn = names.ToList().IndexOf("artist_id");
            await foreach (var row in ParquetRows.ReadAsync(file, cancellationToken))
            {
                var vector = (float[])row[vectorColumn]!;
                if (factors < 0) factors = vector.Length;
                if (vector.Length != factors)
                    throw new InvalidDataException($"{file}: row '{row[0]}' has {vector.Length} factors where earlier rows have {factors}; republish the embeddings");
                ids.Add((string)row[0]!);
                if (artistColumn >= 0) artists.Add((string)row[artistColumn]!);
                vectors.AddRange(vector);
            }
        }
        return new EmbeddingTable(ids.ToArray(), artists.Count == ids.Count && ids.Count > 0 ? artists.ToArray() : null, vectors.ToArray(), Math.Max(factors, 1));
    }

    private static int IndexOf(IReadOnlyList<string> names, string column, string file)
    {
        var index = names.ToList().IndexOf(column);
        return index >= 0 ? index : throw new InvalidDataException($"{file} has no '{column}' column; it is not an embeddings dataset");
    }
}
