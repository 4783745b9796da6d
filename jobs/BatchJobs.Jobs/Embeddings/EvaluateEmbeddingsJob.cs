using System.Globalization;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Snapshots;
using BatchJobs.Core.Tables;
using BatchJobs.Embeddings.Evaluation;
using BatchJobs.Embeddings.Sparse;

namespace BatchJobs.Jobs.Embeddings;

/// <summary>
/// <c>evaluate-embeddings</c> → <c>model_evaluation</c> (daily): trains the embeddings as of seven days before the
/// logical date, recommends the top k unplayed tracks per user, and scores them — and a popularity baseline —
/// against the user-track pairs first played in the last seven days. The contract blocks publishing when the model
/// does not beat the baseline or regresses more than 20% against the previous evaluation.
/// </summary>
public sealed class EvaluateEmbeddingsJob : IJob
{
    public string Name => "evaluate-embeddings";

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        // Inputs: the training affinity (its window ends seven days back) and the last seven days of events.
        var train = await AffinityMatrix.ReadAsync(context.InputFiles("user_track_affinity"), cancellationToken);
        var test = await FirstPlaysAsync(context.InputFiles("listening_events"), train, cancellationToken);
        var k = context.IntParameter("k");
        var options = AlsParameters.From(context);

        // Transform
        var (model, _) = AlsParameters.Train(train.UserItems, options, context.Log, cancellationToken);
        var played = train.PlayedMatrix();
        var modelReport = RankingEvaluation.Evaluate(ExhaustiveTopKRecommender.Recommend(model.UserFactors, model.ItemFactors, played, k), test);
        var baselineReport = RankingEvaluation.Evaluate(PopularityRecommender.Recommend(played, k), test);
        await context.Log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"ndcg@{k}: model {modelReport.Ndcg:F4}, popularity {baselineReport.Ndcg:F4} over {modelReport.Users} users"));

        // Outputs
        var evaluation = context.Stage("model_evaluation");
        var reports = new[] { ("als", modelReport), ("popularity", baselineReport) };
        await using (var writer = await ParquetTableWriter.CreateAsync(evaluation.FilePath("part-00000.parquet"), evaluation.Contract.Schema, cancellationToken))
            await writer.WriteRowGroupAsync(2,
            [
                reports.Select(r => r.Item1).ToArray(),
                reports.Select(r => r.Item2.K).ToArray(),
                reports.Select(r => r.Item2.Users).ToArray(),
                reports.Select(r => r.Item2.Precision).ToArray(),
                reports.Select(r => r.Item2.Recall).ToArray(),
                reports.Select(r => r.Item2.Map).ToArray(),
                reports.Select(r => r.Item2.Ndcg).ToArray(),
                reports.Select(r => r.Item2.Coverage).ToArray(),
            ], cancellationToken);
        evaluation.Statistics["test_pairs"] = test.NonZeros;
        evaluation.Statistics["train_pairs"] = train.Played.Count;
        await context.PublishAsync([evaluation], cancellationToken);
    }

    /// <summary>
    /// The (user, track) pairs of the events that the training data has never seen, for users and tracks it knows: a
    /// users x tracks matrix in the training indices.
    /// </summary>
    private static async Task<CsrMatrix> FirstPlaysAsync(IReadOnlyList<string> files, AffinityMatrix train, CancellationToken cancellationToken)
    {
        var userIndex = train.UserIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
        var trackIndex = train.TrackIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
        var pairs = new HashSet<(int, int)>();
        await ParquetStringColumns.ForEachRowGroupAsync(files, ["user_id", "track_id"], (columns, rows) =>
        {
            for (var i = 0; i < rows; i++)
                if (userIndex.TryGetValue(columns[0][i]!, out var u) && trackIndex.TryGetValue(columns[1][i]!, out var t) && !train.Played.Contains((u, t)))
                    pairs.Add((u, t));
        }, cancellationToken);
        var ordered = pairs.OrderBy(p => p.Item1).ThenBy(p => p.Item2).ToList();
        return CsrMatrix.FromTriples(train.UserIds.Length, train.TrackIds.Length, ordered.Select(p => p.Item1).ToArray(), ordered.Select(p => p.Item2).ToArray(),
            Enumerable.Repeat(1f, ordered.Count).ToArray());
    }
}
