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
