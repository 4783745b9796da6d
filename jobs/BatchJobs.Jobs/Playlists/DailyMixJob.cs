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
    /// <summary>Rows per Parquet row group of the output.</summary>
    private const int RowGroupRows = 500_000;

    public string Name => "daily-mix";

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        // Inputs
        var clock = System.Diagnostics.Stopwatch.StartNew();
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

        await context.Log.WriteLineAsync($"inputs read in {clock.Elapsed.TotalSeconds:F2} s");

        // Transform
        var mixes = new DailyMixBuilder(users, tracks, history, clusters, names.ArtistName, options).Build(-1, cancellationToken);
        await context.Log.WriteLineAsync($"mixes built in {clock.Elapsed.TotalSeconds:F2} s");

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
        await context.Log.WriteLineAsync($"written in {clock.Elapsed.TotalSeconds:F2} s");
        await context.PublishAsync([staged], cancellationToken);
        await context.Log.WriteLineAsync($"published in {clock.Elapsed.TotalSeconds:F2} s");
    }

    private static async Task<int> WriteAsync(StagedSnapshot staged, DailyMixRow[][] mixes, EmbeddingTable users, EmbeddingTable tracks, CancellationToken cancellationToken)
    {
        // Row groups of whole users, so that the writer (which encodes a row group in memory) never holds the run at once.
        var capacity = Math.Max(RowGroupRows, mixes.Length == 0 ? 0 : mixes.Max(m => m.Length));
        var userIds = new string?[capacity];
        var mixNumbers = new int[capacity];
        var mixNames = new string?[capacity];
        var positions = new int[capacity];
        var trackIds = new string?[capacity];
        var artistIds = new string?[capacity];
        var isNew = new bool[capacity];
        var scores = new float[capacity];
        Array[] columns = [userIds, mixNumbers, mixNames, positions, trackIds, artistIds, isNew, scores];
        await using var writer = await ParquetTableWriter.CreateAsync(staged.FilePath("part-00000.parquet"), staged.Contract.Schema, cancellationToken);
        var rows = 0;
        var next = 0;
        var groups = 0;
        for (var u = 0; u < mixes.Length; u++)
        {
            if (next > 0 && next + mixes[u].Length > capacity)
            {
                await writer.WriteRowGroupAsync(next, columns, cancellationToken);
                groups++;
                next = 0;
            }
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
                rows++;
            }
        }
        if (next > 0 || groups == 0) await writer.WriteRowGroupAsync(next, columns, cancellationToken);
        return rows;
    }
}
