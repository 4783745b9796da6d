using BatchJobs.Scoring.TopK;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Tables;
using BatchJobs.Jobs.Clustering;
using BatchJobs.Jobs.Similarity;

namespace BatchJobs.Jobs.Playlists;

/// <summary>
/// <c>editorial-playlists</c> → <c>editorial_playlists</c> (weekly, partition = the Monday): every editor's template
/// (<see cref="EditorialTemplate"/>, an optional raw input) personalised for every user with a
/// model vector: the pool's tracks the model knows, played ones left out unless the template keeps them, ranked by the
/// user's score and re-ranked by <see cref="DiversityReranker"/> under the template's artist cap (no cluster caps,
/// no popularity penalty: the editor chose the pool). Without a template file the partition is published empty.
/// Consumers: serving.
/// </summary>
public sealed class EditorialPlaylistsJob : IJob
{
    public string Name => "editorial-playlists";

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        // Inputs
        var templates = EditorialTemplate.Read(context.RawFiles(EditorialTemplate.RelativePath));
        var users = await EmbeddingTable.ReadAsync(context.InputFiles("user_embeddings"), cancellationToken);
        var tracks = await EmbeddingTable.ReadAsync(context.InputFiles("track_embeddings"), cancellationToken);
        var history = await ListeningHistory.ReadAsync(context.InputFiles("user_track_affinity"), users.Index, tracks.Index, cancellationToken);
        var relevanceWeight = (float)context.DoubleParameter("relevance_weight");

        // Transform
        var unit = FactorMatrix.UnitRows(tracks.Vectors, tracks.Factors);
        var rows = new List<(string Template, string Name, int User, int Position, int Track, float Score)>();
        foreach (var template in templates)
        {
            var pool = template.Tracks.Where(tracks.Index.ContainsKey).Select(t => tracks.Index[t]).ToArray();
            await context.Log.WriteLineAsync($"template {template.Id}: {pool.Length} of {template.Tracks.Count} pool tracks known to the model");
            var options = new DiversityOptions { Length = template.Length, MaxPerArtist = template.MaxPerArtist, RelevanceWeight = relevanceWeight, PopularityPenalty = 0, MinAdjacent = 0 };
            var candidates = new RerankCandidates(tracks.Factors, Math.Max(pool.Length, 1));
            var scores = new float[pool.Length];
            var kept = new int[pool.Length];
            var picks = new int[template.Length];
            var artistSlots = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var u = 0; u < users.Count; u++)
            {
                var count = 0;
                var played = history.TracksOf(u);
                foreach (var t in pool)
                {
                    if (template.ExcludePlayed && played.Contains(t)) continue;
                    scores[count] = System.Numerics.Tensors.TensorPrimitives.Dot(users.Row(u), tracks.Row(t));
                    kept[count++] = t;
                }
                var best = count == 0 ? 1 : Math.Max(scores.AsSpan(0, count).ToArray().Max(), 1e-6f);
                candidates.Reset(count);
                candidates.ClusterCaps[0] = int.MaxValue;
                artistSlots.Clear();
                for (var i = 0; i < count; i++)
                {
                    var artist = tracks.ArtistIds![kept[i]];
                    if (!artistSlots.TryGetValue(artist, out var slot)) artistSlots[artist] = slot = artistSlots.Count;
                    candidates.Add(scores[i] / best, 0, 0, slot, 0, false, unit.AsSpan(kept[i] * tracks.Factors, tracks.Factors));
                }
                var picked = DiversityReranker.Select(candidates, options, picks);
                for (var p = 0; p < picked; p++) rows.Add((template.Id, template.Name, u, p + 1, kept[picks[p]], scores[picks[p]]));
            }
        }

        // Outputs
        var staged = context.Stage("editorial_playlists");
        await using (var writer = await ParquetTableWriter.CreateAsync(staged.FilePath("part-00000.parquet"), staged.Contract.Schema, cancellationToken))
            await writer.WriteRowGroupAsync(rows.Count,
            [
                rows.Select(r => (string?)r.Template).ToArray(),
                rows.Select(r => (string?)r.Name).ToArray(),
                rows.Select(r => (string?)users.Ids[r.User]).ToArray(),
                rows.Select(r => r.Position).ToArray(),
                rows.Select(r => (string?)tracks.Ids[r.Track]).ToArray(),
                rows.Select(r => (string?)tracks.ArtistIds![r.Track]).ToArray(),
                rows.Select(r => r.Score).ToArray(),
            ], cancellationToken);
        staged.Statistics["templates"] = templates.Count;
        staged.Statistics["rows"] = rows.Count;
        staged.Statistics["over_artist_cap_rows"] = OverArtistCap(rows, templates, tracks);
        await context.PublishAsync([staged], cancellationToken);
    }

    /// <summary>Rows past their template's artist cap in a user's playlist, counted against the templates themselves (the
    /// output does not carry the cap), for the contract's blocking check.</summary>
    private static int OverArtistCap(List<(string Template, string Name, int User, int Position, int Track, float Score)> rows,
        IReadOnlyList<EditorialTemplate> templates, EmbeddingTable tracks)
    {
        var caps = templates.ToDictionary(t => t.Id, t => t.MaxPerArtist, StringComparer.Ordinal);
        return rows.GroupBy(r => (r.Template, r.User, Artist: tracks.ArtistIds![r.Track])).Sum(g => Math.Max(0, g.Count() - caps[g.Key.Template]));
    }
}
