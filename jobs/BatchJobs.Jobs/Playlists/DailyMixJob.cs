using BatchJobs.Core;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Snapshots;
using BatchJobs.Core.Tables;
using BatchJobs.Jobs.Clustering;
using BatchJobs.Jobs.Similarity;

namespace BatchJobs.Jobs.Playlists;

/// <summary>
/// <c>daily-mix</c> → <c>daily_mix</c> (daily): per user with history, one to six mixes, one per taste cluster of the
/// user's recent listening with enough affinity (the strongest always), each mostly favourites with about one new track
/// in four interleaved (<see cref="DailyMixBuilder"/>). Consumers: serving (<c>batchjobs show daily_mix --user</c>).
/// </summary>
public sealed class DailyMixJob : IJob
{
    public string Name => "daily-mix";

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        // Inputs
        var users = await EmbeddingTable.ReadAsync(context.InputFiles("user_embeddings"), cancellationToken);
        var tracks = await EmbeddingTable.ReadAsync(context.InputFiles("track_embeddings"), cancellationToken);
        var history = await ListeningHistory.ReadAsync(context.InputFiles("user_track_affinity"), users.Index, tracks.Index, cancellationToken);
        var clusters = await TasteClusterTable.ReadAsync(context.InputFiles("taste_clusters"), context.InputFiles("track_clusters"), tracks.Index, cancellationToken);
        var names = await CatalogueLookup.ReadAsync([], context.InputFiles("artists"), cancellationToken);
        var options = new DailyMixOptions
        {
            MaxMixes = context.IntParameter("max_mixes"),
            MinLength = context.IntParameter("min_length"),
            MaxLength = context.IntParameter("max_length"),
            NewShare = context.DoubleParameter("new_share"),
            MaxNewShare = context.DoubleParameter("max_new_share"),
            MinFavourites = context.IntParameter("min_favourites"),
            MinClusterShare = context.DoubleParameter("min_cluster_share"),
            MinSkips = context.IntParameter("min_skips"),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        // Transform
        var mixes = new DailyMixBuilder(users, tracks, history, clusters, names.ArtistName, options).Build(-1, cancellationToken);

        // Outputs
        var staged = context.Stage("daily_mix");
        var rows = await WriteAsync(staged, mixes, users, tracks, cancellationToken);
        staged.Statistics["rows"] = rows;
        staged.Statistics["new_rows"] = mixes.Sum(m => m.Count(r => r.IsNew));
        staged.Statistics["users"] = users.Count;
        staged.Statistics["users_without_mix"] = mixes.Count(m => m.Length == 0);
        staged.Statistics["mixes"] = mixes.Sum(m => m.Length == 0 ? 0 : m[^1].MixNumber);
        staged.Statistics["thin_users"] = mixes.Count(m => m.GroupBy(r => r.MixNumber).Any(g => g.Count(r => r.IsNew) > options.MaxNewShare * g.Count()));
        await context.Log.WriteLineAsync($"daily_mix {context.Date:yyyy-MM-dd}: {staged.Statistics["mixes"]} mixes, {rows} rows, " +
            $"{staged.Statistics["users_without_mix"]} users without a mix, {staged.Statistics["thin_users"]} with too few favourites to keep within max_new_share");
        await context.PublishAsync([staged], cancellationToken);
    }

    private static async Task<int> WriteAsync(StagedSnapshot staged, DailyMixRow[][] mixes, EmbeddingTable users, EmbeddingTable tracks, CancellationToken cancellationToken)
    {
        var rows = mixes.Sum(m => m.Length);
        var userIds = new string?[rows];
        var mixNumbers = new int[rows];
        var mixNames = new string?[rows];
        var positions = new int[rows];
        var trackIds = new string?[rows];
        var artistIds = new string?[rows];
        var isNew = new bool[rows];
        var scores = new float[rows];
        var next = 0;
        for (var u = 0; u < mixes.Length; u++)
            foreach (var row in mixes[u])
            {
                userIds[next] = users.Ids[u];
                mixNumbers[next] = row.MixNumber;
                mixNames[next] = row.MixName;
                positions[next] = row.Position;
                trackIds[next] = tracks.Ids[row.Track];
                artistIds[next] = tracks.ArtistIds![row.Track];
                isNew[next] = row.IsNew;
                scores[next++] = row.Score;
            }
        await using var writer = await ParquetTableWriter.CreateAsync(staged.FilePath("part-00000.parquet"), staged.Contract.Schema, cancellationToken);
        await writer.WriteRowGroupAsync(rows, [userIds, mixNumbers, mixNames, positions, trackIds, artistIds, isNew, scores], cancellationToken);
        return rows;
    }
}
