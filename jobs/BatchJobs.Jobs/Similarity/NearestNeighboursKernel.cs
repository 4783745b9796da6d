using Apache.Arrow;
using Array = System.Array;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;
using BatchJobs.Scoring.TopK;

namespace BatchJobs.Jobs.Similarity;

/// <summary>
/// For each item of a group, its <see cref="Neighbours"/> most cosine-similar other items of the whole catalogue (a
/// side input), best first, from the blocked top-k kernel. Output: the item, rank (1 = nearest), the neighbour (and
/// the neighbour's artist when the catalogue has one) and the cosine.
/// </summary>
/// <remarks>
/// The catalogue is ordered by id before it is scored, so ties (equal cosines) go to the smaller id whatever order
/// an engine reads it in. Groups run in parallel, so each scores on one thread.
/// </remarks>
public sealed class NearestNeighboursKernel : IGroupKernel
{
    private readonly string idColumn;
    private readonly bool withArtist;
    private readonly TopKOptions options;

    /// <param name="idColumn">The id column of the items, e.g. <c>track_id</c>.</param>
    /// <param name="neighbourColumn">The output column of the neighbour's id, e.g. <c>similar_track_id</c>.</param>
    /// <param name="artistColumn">The output column of the neighbour's artist, or null where items have none.</param>
    /// <param name="catalogue">The side input holding every item: the id, <c>vector</c>, and <c>artist_id</c> if any.</param>
    /// <param name="neighbours">How many neighbours per item (fewer when the catalogue is smaller).</param>
    /// <param name="mode">Exact or approximate scoring.</param>
    public NearestNeighboursKernel(string idColumn, string neighbourColumn, string? artistColumn, string catalogue, int neighbours, TopKMode mode)
    {
        this.idColumn = idColumn;
        withArtist = artistColumn is not null;
        Catalogue = catalogue;
        Neighbours = neighbours;
        options = new TopKOptions { K = neighbours, Mode = mode, MaxDegreeOfParallelism = 1 };
        OutputSchema =
        [
            new(idColumn, ColumnType.String, false), new("rank", ColumnType.Int32, false), new(neighbourColumn, ColumnType.String, false),
            .. artistColumn is null ? Array.Empty<ColumnSpec>() : [new ColumnSpec(artistColumn, ColumnType.String, false)],
            new("score", ColumnType.Float, false),
        ];
    }

    public string Catalogue { get; }
    public int Neighbours { get; }
    public IReadOnlyList<ColumnSpec> OutputSchema { get; }

    public RecordBatch Apply(RecordBatch rows, SideInputs sideInputs)
    {
        var items = sideInputs.Get(Catalogue, batch => UnitCatalogue.From(batch, idColumn));
        var ids = rows.Strings(idColumn);
        var self = new int[ids.Length];
        var queries = new float[ids.Length * items.Vectors.Columns];
        var values = items.Vectors.Values.Span;
        for (var q = 0; q < ids.Length; q++)
        {
            self[q] = items.Index[ids[q]];
            values.Slice(self[q] * items.Vectors.Columns, items.Vectors.Columns).CopyTo(queries.AsSpan(q * items.Vectors.Columns));
        }
        // An item never lists itself: it is excluded rather than taking one of k + 1 slots.
        var exclusions = new ExclusionLists(Enumerable.Range(0, ids.Length + 1).ToArray(), self);
        var result = TopKScorer.Score(new FactorMatrix(queries, ids.Length, items.Vectors.Columns), items.Packed, exclusions,
            options with { K = Math.Clamp(Neighbours, 1, Math.Max(items.Ids.Length - 1, 1)) });
        return Rows(result, ids, items);
    }

    private RecordBatch Rows(TopKResult result, string[] ids, UnitCatalogue items)
    {
        var count = 0;
        for (var r = 0; r < result.RowCount; r++) count += result.CountOf(r);
        var itemIds = new string?[count];
        var ranks = new int[count];
        var neighbours = new string?[count];
        var artists = new string?[count];
        var scores = new float[count];
        var next = 0;
        for (var r = 0; r < result.RowCount; r++)
        {
            var found = result.ItemsOf(r);
            var cosines = result.ScoresOf(r);
            for (var i = 0; i < found.Length; i++, next++)
            {
                itemIds[next] = ids[r];
                ranks[next] = i + 1;
                neighbours[next] = items.Ids[found[i]];
                if (withArtist) artists[next] = items.ArtistIds![found[i]];
                // Unit vectors' dot products can overshoot 1 by a rounding error.
                scores[next] = Math.Clamp(cosines[i], -1f, 1f);
            }
        }
        return ArrowColumns.Batch(OutputSchema, count, withArtist ? [itemIds, ranks, neighbours, artists, scores] : [itemIds, ranks, neighbours, scores]);
    }

    /// <summary>The catalogue ordered by id, with unit vectors, built once per worker process.</summary>
    private sealed class UnitCatalogue
    {
        public required string[] Ids { get; init; }
        public required string[]? ArtistIds { get; init; }
        public required FactorMatrix Vectors { get; init; }
        public required PackedItems Packed { get; init; }
        public required IReadOnlyDictionary<string, int> Index { get; init; }

        public static UnitCatalogue From(RecordBatch batch, string idColumn)
        {
            var table = EmbeddingTable.FromRows(batch, idColumn);
            var unit = table.AsFactorMatrix().Normalised();
            return new UnitCatalogue { Ids = table.Ids, ArtistIds = table.ArtistIds, Vectors = unit, Packed = PackedItems.Pack(unit), Index = table.Index };
        }
    }
}
