using BatchJobs.Scoring.TopK;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Tables;
using BatchJobs.Jobs.Clustering;
using BatchJobs.Jobs.Similarity;

namespace BatchJobs.Jobs.Playlists;

/// <summary>
/// <c>playlist-evaluation</c> → <c>playlist_evaluation</c> (daily): the Discover Weekly built seven days before the
/// logical date, held against what its users actually played in the seven days since (the held-out week): hit rate and
/// precision, intra-list diversity, distinct artists, novelty (mean popularity rank) and catalogue coverage, beside a
/// popularity baseline built for the same users under the same artist cap. Consumers: model owners, dashboards.
/// </summary>
public sealed class PlaylistEvaluationJob : IJob
{
    public string Name => "playlist-evaluation";

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        // Inputs: the playlists, the model and the history they were built from (seven days back), and the week since.
        var tracks = await EmbeddingTable.ReadAsync(context.InputFiles("track_embeddings"), cancellationToken);
        var playlists = await ReadPlaylistsAsync(context.InputFiles("discover_weekly"), tracks.Index, cancellationToken);
        var userIds = playlists.Keys.Order(StringComparer.Ordinal).ToArray();
        var userIndex = userIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
        var history = await ListeningHistory.ReadAsync(context.InputFiles("user_track_affinity"), userIndex, tracks.Index, cancellationToken);
        var testPlays = await ReadPlaysAsync(context.InputFiles("listening_events"), userIndex, tracks.Index, cancellationToken);
        var maxPerArtist = context.IntParameter("max_per_artist");

        // Transform
        var popularity = new TrackPopularity(history, tracks.Count);
        var artistNumbers = new Dictionary<string, int>(StringComparer.Ordinal);
        var artistOfTrack = tracks.ArtistIds!.Select(a => artistNumbers.TryGetValue(a, out var n) ? n : artistNumbers[a] = artistNumbers.Count).ToArray();
        var unit = FactorMatrix.UnitRows(tracks.Vectors, tracks.Factors);
        var lists = userIds.Select(u => playlists[u].ToArray()).ToList();
        var baseline = Enumerable.Range(0, userIds.Length)
            .Select(u => PlaylistMetrics.PopularUnplayed(popularity.MostPlayedFirst, history.TracksOf(u).ToArray().ToHashSet(), artistOfTrack, lists[u].Length, maxPerArtist))
            .ToList();
        var reports = new[]
        {
            ("discover_weekly", PlaylistMetrics.Evaluate(lists, testPlays, unit, tracks.Factors, artistOfTrack, popularity.Rank)),
            ("popularity_baseline", PlaylistMetrics.Evaluate(baseline, testPlays, unit, tracks.Factors, artistOfTrack, popularity.Rank)),
        };
        foreach (var (name, r) in reports)
            await context.Log.WriteLineAsync($"{name}: hit rate {r.HitRate:P1} of {r.ActiveUsers} active users, diversity {r.IntraListDiversity:F3}, " +
                $"{r.DistinctArtists:F1} artists, popularity rank {r.MeanPopularityRank:F0}, coverage {r.Coverage:P1}");

        // Outputs
        var staged = context.Stage("playlist_evaluation");
        var week = context.Input("discover_weekly")[0].Partition;
        await using (var writer = await ParquetTableWriter.CreateAsync(staged.FilePath("part-00000.parquet"), staged.Contract.Schema, cancellationToken))
            await writer.WriteRowGroupAsync(reports.Length,
            [
                reports.Select(r => (string?)r.Item1).ToArray(),
                reports.Select(_ => week).ToArray(),
                reports.Select(r => r.Item2.Users).ToArray(),
                reports.Select(r => r.Item2.ActiveUsers).ToArray(),
                reports.Select(r => r.Item2.HitRate).ToArray(),
                reports.Select(r => r.Item2.Precision).ToArray(),
                reports.Select(r => r.Item2.IntraListDiversity).ToArray(),
                reports.Select(r => r.Item2.DistinctArtists).ToArray(),
                reports.Select(r => r.Item2.MeanPopularityRank).ToArray(),
                reports.Select(r => r.Item2.Coverage).ToArray(),
            ], cancellationToken);
        staged.Statistics["test_users"] = testPlays.Count(p => p.Count > 0);
        await context.PublishAsync([staged], cancellationToken);
    }

    /// <summary>Each user's playlist as track rows in position order; tracks the model does not know are left out.</summary>
    private static async Task<Dictionary<string, List<int>>> ReadPlaylistsAsync(IReadOnlyList<string> files, IReadOnlyDictionary<string, int> trackIndex,
        CancellationToken cancellationToken)
    {
        var rows = new List<(string User, int Position, int Track)>();
        foreach (var file in files)
        {
            var names = (await ParquetRows.ReadColumnNamesAsync(file, cancellationToken)).ToList();
            var (user, position, track) = (names.IndexOf("user_id"), names.IndexOf("position"), names.IndexOf("track_id"));
            await foreach (var row in ParquetRows.ReadAsync(file, cancellationToken))
                if (trackIndex.TryGetValue((string)row[track]!, out var t)) rows.Add(((string)row[user]!, (int)row[position]!, t));
        }
        return rows.GroupBy(r => r.User, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.Position).Select(r => r.Track).ToList(), StringComparer.Ordinal);
    }

    /// <summary>The tracks each user played in the events, as sets aligned with <paramref name="userIndex"/>.</summary>
    private static async Task<IReadOnlyList<IReadOnlySet<int>>> ReadPlaysAsync(IReadOnlyList<string> files, IReadOnlyDictionary<string, int> userIndex,
        IReadOnlyDictionary<string, int> trackIndex, CancellationToken cancellationToken)
    {
        var plays = Enumerable.Range(0, userIndex.Count).Select(_ => new HashSet<int>()).ToArray();
        await ParquetStringColumns.ForEachRowGroupAsync(files, ["user_id", "track_id"], (columns, rows) =>
        {
            for (var i = 0; i < rows; i++)
                if (userIndex.TryGetValue(columns[0][i]!, out var u) && trackIndex.TryGetValue(columns[1][i]!, out var t)) plays[u].Add(t);
        }, cancellationToken);
        return plays;
    }
}
