using BatchJobs.Core;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Snapshots;
using BatchJobs.Core.Tables;
using BatchJobs.Scoring.TopK;

namespace BatchJobs.Jobs.Similarity;

/// <summary>
/// <c>similar-tracks</c> → <c>similar_tracks</c> and <c>similar_artists</c> (daily): for every track and every artist
/// of the day's embeddings, its <c>neighbours</c> (50 by default) most similar others by cosine of their ALS vectors,
/// best first, from the blocked cosine top-k kernel. Consumers: serving ("more like this", artist radio), playlist
/// explanations. Both datasets are published together so they always come from one model.
/// </summary>
public sealed class SimilarTracksJob : IJob
{
    public string Name => "similar-tracks";

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        // Inputs
        var tracks = await EmbeddingTable.ReadAsync(context.InputFiles("track_embeddings"), cancellationToken);
        var artists = await EmbeddingTable.ReadAsync(context.InputFiles("artist_embeddings"), cancellationToken);
        var options = new TopKOptions { K = context.IntParameter("neighbours"), Mode = ScoringMode(context) };
        if (options.K < 1) throw new UsageException($"parameter neighbours = {options.K} must be at least 1");

        // Transform
        var similarTracks = CosineTopK.Score(tracks.AsFactorMatrix(), options);
        var similarArtists = CosineTopK.Score(artists.AsFactorMatrix(), options);

        // Outputs
        var trackSnapshot = context.Stage("similar_tracks");
        await WriteAsync(trackSnapshot, tracks, similarTracks, withArtist: true, cancellationToken);
        var artistSnapshot = context.Stage("similar_artists");
        await WriteAsync(artistSnapshot, artists, similarArtists, withArtist: false, cancellationToken);
        await context.PublishAsync([trackSnapshot, artistSnapshot], cancellationToken);
    }

    /// <summary>The <c>scoring_mode</c> parameter: exact (every pair) or approximate (cluster-pruned).</summary>
    internal static TopKMode ScoringMode(JobContext context) => context.Parameter("scoring_mode") switch
    {
        "exact" => TopKMode.Exact,
        "approximate" => TopKMode.Approximate,
        var other => throw new UsageException($"parameter scoring_mode = '{other}': use exact or approximate"),
    };

    private static async Task WriteAsync(StagedSnapshot staged, EmbeddingTable table, TopKResult result, bool withArtist, CancellationToken cancellationToken)
    {
        var rows = 0;
        for (var r = 0; r < result.RowCount; r++) rows += result.CountOf(r);
        var ids = new string?[rows];
        var ranks = new int[rows];
        var neighbours = new string?[rows];
        var neighbourArtists = new string?[rows];
        var scores = new float[rows];
        var next = 0;
        for (var r = 0; r < result.RowCount; r++)
        {
            var items = result.ItemsOf(r);
            var itemScores = result.ScoresOf(r);
            for (var i = 0; i < items.Length; i++, next++)
            {
                ids[next] = table.Ids[r];
                ranks[next] = i + 1;
                neighbours[next] = table.Ids[items[i]];
                if (withArtist) neighbourArtists[next] = table.ArtistIds![items[i]];
                // Unit vectors' dot products can overshoot 1 by a rounding error.
                scores[next] = Math.Clamp(itemScores[i], -1f, 1f);
            }
        }
        staged.Statistics["rows"] = rows;
        await using var writer = await ParquetTableWriter.CreateAsync(staged.FilePath("part-00000.parquet"), staged.Contract.Schema, cancellationToken);
        await writer.WriteRowGroupAsync(rows, withArtist ? [ids, ranks, neighbours, neighbourArtists, scores] : [ids, ranks, neighbours, scores], cancellationToken);
    }
}
