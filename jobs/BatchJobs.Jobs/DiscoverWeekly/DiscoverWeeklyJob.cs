using BatchJobs.Core;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Tables;
using BatchJobs.Jobs.Clustering;
using BatchJobs.Jobs.Playlists;
using BatchJobs.Jobs.Similarity;

namespace BatchJobs.Jobs.DiscoverWeekly;

/// <summary>
/// <c>discover-weekly</c> → <c>discover_weekly</c> (weekly, partition = the Monday): for every user of the day's
/// embeddings, <c>length</c> (30) tracks never played in the affinity window, picked from the user's best-scored
/// candidates and re-ranked for diversity and novelty (<see cref="DiscoverWeeklyBuilder"/>), each with its reason.
/// Thin histories get the documented popularity fallback. Consumers: serving (<c>batchjobs show discover_weekly --user</c>),
/// <c>playlist-evaluation</c>. The artist-priority CSV (<see cref="ArtistPriority"/>) is an optional raw input.
/// </summary>
public sealed class DiscoverWeeklyJob : IJob
{
    /// <summary>Rows per Parquet row group of the output.</summary>
    private const int RowGroupRows = 500_000;

    /// <summary>The <c>source</c> column's value of each <see cref="PickSource"/>, made once rather than per row.</summary>
    private static readonly string[] SourceNames = Enum.GetValues<PickSource>().Select(s => s.ToString().ToLowerInvariant()).ToArray();

    public string Name => "discover-weekly";

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        // Inputs
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var users = await EmbeddingTable.ReadAsync(context.InputFiles("user_embeddings"), cancellationToken);
        var tracks = await EmbeddingTable.ReadAsync(context.InputFiles("track_embeddings"), cancellationToken);
        var artists = await EmbeddingTable.ReadAsync(context.InputFiles("artist_embeddings"), cancellationToken);
        var history = await ListeningHistory.ReadAsync(context.InputFiles("user_track_affinity"), users.Index, tracks.Index, cancellationToken);
        var clusters = await TasteClusterTable.ReadAsync(context.InputFiles("taste_clusters"), context.InputFiles("track_clusters"), tracks.Index, cancellationToken);
        var names = await CatalogueLookup.ReadAsync([], context.InputFiles("artists"), cancellationToken);
        var settings = Settings(context);
        var week = context.Produces.Single(c => c.Name == "discover_weekly").PartitionOf(context.Date);
        var flagged = ArtistPriority.Read(context.RawFiles(ArtistPriority.RelativePath), week, week.AddDays(6),
            track => tracks.Index.TryGetValue(track, out var row) ? tracks.ArtistIds![row] : null);
        var priority = flagged.ToDictionary(p => tracks.Index[p.Key], p => p.Value);
        await context.Log.WriteLineAsync($"inputs read in {clock.Elapsed.TotalSeconds:F2} s");

        // Transform
        var builder = new DiscoverWeeklyBuilder(users, tracks, artists, history, clusters, priority, a => names.ArtistName(artists.Ids[a]), settings);
        var playlists = builder.Build(-1, context.Log, cancellationToken);
        await context.Log.WriteLineAsync($"playlists built in {clock.Elapsed.TotalSeconds:F2} s");

        // Outputs
        var staged = context.Stage("discover_weekly");
        await WriteAsync(staged, playlists, users, tracks, cancellationToken);
        var length = settings.Diversity.Length;
        var rows = playlists.Total;
        staged.Statistics["rows"] = rows;
        staged.Statistics["users"] = users.Count;
        staged.Statistics["short_users"] = playlists.Counts.Count(c => c < length);
        staged.Statistics["fallback_users"] = Enumerable.Range(0, users.Count).Count(u => playlists.Counts[u] > 0 && playlists.Sources[u * length] == PickSource.Fallback);
        staged.Statistics["priority_rows"] = playlists.Sources.Count(s => s == PickSource.Priority);
        staged.Statistics["previously_played_rows"] = PreviouslyPlayed(playlists, history);
        await context.Log.WriteLineAsync($"discover_weekly {week:yyyy-MM-dd}: {rows} rows for {users.Count} users, {staged.Statistics["fallback_users"]} on the fallback, " +
            $"{staged.Statistics["short_users"]} short, {flagged.Count} flagged tracks active");
        await context.Log.WriteLineAsync($"written in {clock.Elapsed.TotalSeconds:F2} s");
        await context.PublishAsync([staged], cancellationToken);
        await context.Log.WriteLineAsync($"published in {clock.Elapsed.TotalSeconds:F2} s");
    }

    private static DiscoverWeeklySettings Settings(JobContext context)
    {
        var settings = new DiscoverWeeklySettings
        {
            Diversity = new DiversityOptions
            {
                Length = context.IntParameter("length"),
                MaxPerArtist = context.IntParameter("max_per_artist"),
                RelevanceWeight = (float)context.DoubleParameter("relevance_weight"),
                PopularityPenalty = (float)context.DoubleParameter("popularity_penalty"),
                MinAdjacent = context.IntParameter("min_adjacent"),
            },
            CandidatePool = context.IntParameter("candidate_pool"),
            Mode = SimilarTracksJob.ScoringMode(context),
            MinHistoryTracks = context.IntParameter("min_history_tracks"),
            MinClusterShare = context.DoubleParameter("min_cluster_share"),
            MaxUserClusters = context.IntParameter("max_user_clusters"),
            AdjacentClusters = context.IntParameter("adjacent_clusters"),
            PriorityMaxBoost = (float)context.DoubleParameter("priority_max_boost"),
            PriorityMinRelevance = (float)context.DoubleParameter("priority_min_relevance"),
        };
        try
        {
            settings.Diversity.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        if (settings.CandidatePool < settings.Diversity.Length)
            throw new UsageException($"parameter candidate_pool = {settings.CandidatePool} must be at least length = {settings.Diversity.Length}");
        return settings;
    }

    /// <summary>Rows whose track the user played in the window, counted against the history itself (not the exclusion
    /// lists the scorer used), for the contract's blocking check.</summary>
    private static int PreviouslyPlayed(DiscoverWeeklyRows playlists, ListeningHistory history)
    {
        var count = 0;
        for (var u = 0; u < playlists.Users; u++)
            for (var p = 0; p < playlists.Counts[u]; p++)
                if (history.HasPlayed(u, playlists.Tracks[u * playlists.Length + p])) count++;
        return count;
    }

    private static async Task WriteAsync(Core.Snapshots.StagedSnapshot staged, DiscoverWeeklyRows playlists, EmbeddingTable users, EmbeddingTable tracks,
        CancellationToken cancellationToken)
    {
        // Row groups of whole users, so that the writer (which encodes a row group in memory) never holds the run at once.
        var capacity = Math.Max(RowGroupRows, playlists.Length);
        var userIds = new string?[capacity];
        var positions = new int[capacity];
        var trackIds = new string?[capacity];
        var artistIds = new string?[capacity];
        var scores = new float[capacity];
        var sources = new string?[capacity];
        var reasons = new string?[capacity];
        Array[] columns = [userIds, positions, trackIds, artistIds, scores, sources, reasons];
        await using var writer = await ParquetTableWriter.CreateAsync(staged.FilePath("part-00000.parquet"), staged.Contract.Schema, cancellationToken);
        var next = 0;
        var groups = 0;
        for (var u = 0; u < playlists.Users; u++)
        {
            if (next > 0 && next + playlists.Counts[u] > capacity)
            {
                await writer.WriteRowGroupAsync(next, columns, cancellationToken);
                groups++;
                next = 0;
            }
            for (var p = 0; p < playlists.Counts[u]; p++, next++)
            {
                var slot = u * playlists.Length + p;
                var t = playlists.Tracks[slot];
                userIds[next] = users.Ids[u];
                positions[next] = p + 1;
                trackIds[next] = tracks.Ids[t];
                artistIds[next] = tracks.ArtistIds![t];
                scores[next] = playlists.Scores[slot];
                sources[next] = SourceNames[(int)playlists.Sources[slot]];
                reasons[next] = playlists.Reasons[slot];
            }
        }
        if (next > 0 || groups == 0) await writer.WriteRowGroupAsync(next, columns, cancellationToken);
    }
}
