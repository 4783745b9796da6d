using Apache.Arrow;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;
using BatchJobs.Scoring.TopK;

namespace BatchJobs.Jobs.ModelEvaluation;

/// <summary>
/// Per user of a group of <c>evaluation_history</c> (user_index, track_index, vector; sorted by user), the two lists the
/// evaluation scores, neither holding a track of the user's history: the model's top <see cref="K"/> tracks by dot
/// product (<see cref="TopKScorer"/>, exact; equal scores to the lower track_index) and the <see cref="K"/> most popular
/// ones. Output rows: model (<c>als</c> or <c>popularity</c>), user_index, position (from 1) and track_index. A list is
/// shorter than k only when the user has played all but fewer than k tracks.
/// </summary>
/// <remarks>
/// Side inputs, each built once per process: <see cref="TrackFactors"/> (every track's vector) and
/// <see cref="TrackPopularity"/> (the baseline's ranking). The scorer runs on one thread: the engine already runs a
/// group per core.
/// </remarks>
public sealed class RecommendationsKernel(int k) : IGroupKernel
{
    public const string TrackFactors = "track_factors";
    public const string TrackPopularity = "track_popularity";
    public const string Model = "als";
    public const string Baseline = "popularity";

    /// <summary>The length of both lists.</summary>
    public int K { get; } = k >= 1 ? k : throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1");

    public IReadOnlyList<ColumnSpec> OutputSchema { get; } =
    [
        new("model", ColumnType.String, false), new("user_index", ColumnType.Int32, false), new("position", ColumnType.Int32, false),
        new("track_index", ColumnType.Int32, false),
    ];

    public RecordBatch Apply(RecordBatch rows, SideInputs sideInputs)
    {
        var items = sideInputs.Get(TrackFactors, Factors.From);
        var ranking = sideInputs.Get(TrackPopularity, Ranking.From);
        var userIndices = rows.Int32s("user_index");
        var trackIndices = rows.Int32s("track_index");
        var vectors = (ListArray)rows.Column(rows.Schema.GetFieldIndex("vector"));

        // One user per run of equal user_index: its vector (the same on each of its rows) and its history.
        var users = new List<int>();
        var offsets = new List<int> { 0 };
        var userValues = new List<float>();
        for (var r = 0; r < userIndices.Length; r++)
        {
            if (r > 0 && userIndices[r] == userIndices[r - 1]) continue;
            users.Add(userIndices[r]);
            var vector = ((FloatArray)vectors.GetSlicedValues(r)).Values;
            if (vector.Length != items.Matrix.Columns)
                throw new InvalidDataException($"evaluation_history, user_index {userIndices[r]}: a vector of {vector.Length} factors where track_factors has {items.Matrix.Columns}; both must come from the same model");
            foreach (var value in vector) userValues.Add(value);
            if (r > 0) offsets.Add(r);
        }
        if (userIndices.Length > 0) offsets.Add(userIndices.Length);
        var history = new ExclusionLists(offsets.ToArray(), trackIndices);
        var top = TopKScorer.Score(new FactorMatrix(userValues.ToArray(), users.Count, items.Matrix.Columns), items.Packed, history,
            new TopKOptions { K = K, Mode = TopKMode.Exact, MaxDegreeOfParallelism = 1 });

        var capacity = 2 * K * users.Count;
        var (models, userColumn, positions, tracks) = (new string?[capacity], new int[capacity], new int[capacity], new int[capacity]);
        var count = 0;
        for (var u = 0; u < users.Count; u++)
        {
            var list = top.ItemsOf(u);
            for (var p = 0; p < list.Length; p++, count++) (models[count], userColumn[count], positions[count], tracks[count]) = (Model, users[u], p + 1, list[p]);
            var filled = 0;
            for (var n = 0; n < ranking.Tracks.Length && filled < K; n++)
            {
                if (history.Contains(u, ranking.Tracks[n])) continue;
                (models[count], userColumn[count], positions[count], tracks[count]) = (Baseline, users[u], ++filled, ranking.Tracks[n]);
                count++;
            }
        }
        return ArrowColumns.Batch(OutputSchema, count, [models, userColumn, positions, tracks]);
    }

    /// <summary>Every track's vector, in track_index order, from rows of <c>track_factors</c> in any order.</summary>
    private sealed class Factors
    {
        public required FactorMatrix Matrix { get; init; }

        /// <summary><see cref="Matrix"/> packed once for every group's scoring.</summary>
        public required PackedItems Packed { get; init; }

        public static Factors From(RecordBatch rows)
        {
            var indices = rows.Int32s("track_index");
            var vectors = rows.FloatMatrix("vector", out var factors);
            var ordered = new float[indices.Length * factors];
            var seen = new bool[indices.Length];
            for (var r = 0; r < indices.Length; r++)
            {
                var t = indices[r];
                if ((uint)t >= (uint)indices.Length || seen[t])
                    throw new InvalidDataException($"track_factors, row {r + 1}: track_index {t} is not one of 0..{indices.Length - 1} held by no other row");
                seen[t] = true;
                vectors.AsSpan(r * factors, factors).CopyTo(ordered.AsSpan(t * factors, factors));
            }
            var matrix = new FactorMatrix(ordered, indices.Length, factors);
            return new Factors { Matrix = matrix, Packed = PackedItems.Pack(matrix) };
        }
    }

    /// <summary>The tracks in popularity order, from rows of <c>track_popularity</c> in any order.</summary>
    private sealed class Ranking
    {
        public required int[] Tracks { get; init; }

        public static Ranking From(RecordBatch rows)
        {
            var indices = rows.Int32s("track_index");
            var ranks = rows.Int32s("popularity_rank");
            var tracks = new int[indices.Length];
            var seen = new bool[indices.Length];
            for (var r = 0; r < indices.Length; r++)
            {
                var slot = ranks[r] - 1;
                if ((uint)slot >= (uint)indices.Length || seen[slot])
                    throw new InvalidDataException($"track_popularity, track_index {indices[r]}: popularity_rank {ranks[r]} is not one of 1..{indices.Length} held by no other track");
                seen[slot] = true;
                tracks[slot] = indices[r];
            }
            return new Ranking { Tracks = tracks };
        }
    }
}
