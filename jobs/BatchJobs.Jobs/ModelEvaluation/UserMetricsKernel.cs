using Apache.Arrow;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;
using BatchJobs.Embeddings.Evaluation;

namespace BatchJobs.Jobs.ModelEvaluation;

/// <summary>
/// Per user of a group of <c>evaluation_rows</c> (kind, user_index, position, track_index; sorted by user, kind and
/// position): one row per model of <see cref="Models"/> with the user's precision@k, recall@k, AP@k and NDCG@k
/// (<see cref="RankingMetrics"/>) of that model's list against the user's rows of kind <see cref="TestKind"/>. A user
/// without test rows is skipped, as it has no metrics; one without rows of a model is scored on an empty list.
/// </summary>
public sealed class UserMetricsKernel(IReadOnlyList<string> models, int k) : IGroupKernel
{
    public const string TestKind = "test";

    /// <summary>The models measured, in output order.</summary>
    public IReadOnlyList<string> Models { get; } = models;

    /// <summary>The cut-off of every metric.</summary>
    public int K { get; } = k >= 1 ? k : throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1");

    public IReadOnlyList<ColumnSpec> OutputSchema { get; } =
    [
        new("model", ColumnType.String, false), new("user_index", ColumnType.Int32, false), new("precision", ColumnType.Double, false),
        new("recall", ColumnType.Double, false), new("map", ColumnType.Double, false), new("ndcg", ColumnType.Double, false),
    ];

    public RecordBatch Apply(RecordBatch rows, SideInputs sideInputs)
    {
        var kinds = rows.Strings("kind");
        var users = rows.Int32s("user_index");
        var tracks = rows.Int32s("track_index");
        var lists = Models.Select(_ => new List<int>()).ToArray();
        var relevant = new List<int>();
        var capacity = Models.Count * users.Length;
        var (modelColumn, userColumn) = (new string?[capacity], new int[capacity]);
        var (precision, recall, map, ndcg) = (new double[capacity], new double[capacity], new double[capacity], new double[capacity]);
        var count = 0;
        for (var start = 0; start < users.Length;)
        {
            foreach (var list in lists) list.Clear();
            relevant.Clear();
            var end = start;
            for (; end < users.Length && users[end] == users[start]; end++)
            {
                if (kinds[end] == TestKind)
                {
                    relevant.Add(tracks[end]);
                    continue;
                }
                var model = IndexOf(kinds[end]);
                if (model < 0) throw new InvalidDataException($"evaluation_rows, user_index {users[end]}: kind '{kinds[end]}' is neither '{TestKind}' nor one of {string.Join(", ", Models)}");
                lists[model].Add(tracks[end]);
            }
            if (relevant.Count > 0)
            {
                // RankingMetrics looks test items up by binary search, so they must be sorted and distinct.
                var test = relevant.Distinct().Order().ToArray();
                for (var m = 0; m < lists.Length; m++, count++)
                {
                    var list = lists[m].ToArray();
                    (modelColumn[count], userColumn[count]) = (Models[m], users[start]);
                    precision[count] = RankingMetrics.Precision(list, test, K);
                    recall[count] = RankingMetrics.Recall(list, test, K);
                    map[count] = RankingMetrics.AveragePrecision(list, test, K);
                    ndcg[count] = RankingMetrics.Ndcg(list, test, K);
                }
            }
            start = end;
        }
        return ArrowColumns.Batch(OutputSchema, count, [modelColumn, userColumn, precision, recall, map, ndcg]);
    }

    private int IndexOf(string kind)
    {
        for (var m = 0; m < Models.Count; m++)
            if (Models[m] == kind) return m;
        return -1;
    }
}
