using Apache.Arrow;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;
using BatchJobs.Jobs.Playlists;
using BatchJobs.Jobs.Similarity;
using BatchJobs.Scoring.TopK;

namespace BatchJobs.Jobs.EditorialPlaylists;

/// <summary>
/// Every editorial template personalised for each user of a group (of <c>playlist_users</c>): the pool's tracks the
/// model knows, played ones left out unless the template keeps them, ranked by the user's score and re-ranked by
/// <see cref="DiversityReranker"/> under the template's artist cap (no cluster caps, no popularity penalty: the editor
/// chose the pool). The templates are the kernel's own data; the track catalogue is the side input
/// <c>track_embeddings</c>, built once per process.
/// </summary>
public sealed class EditorialKernel(IReadOnlyList<EditorialTemplate> templates, float relevanceWeight) : IGroupKernel
{
    public IReadOnlyList<ColumnSpec> OutputSchema { get; } =
    [
        new("template_id", ColumnType.String, false), new("template_name", ColumnType.String, false), new("user_id", ColumnType.String, false),
        new("position", ColumnType.Int32, false), new("track_id", ColumnType.String, false), new("artist_id", ColumnType.String, false),
        new("score", ColumnType.Float, false),
    ];

    public RecordBatch Apply(RecordBatch rows, SideInputs sideInputs)
    {
        var catalogue = sideInputs.Get(PlaylistCatalogue.TrackEmbeddings, batch =>
        {
            var tracks = EmbeddingTable.FromRows(batch, "track_id");
            return new Catalogue(tracks, FactorMatrix.UnitRows(tracks.Vectors, tracks.Factors));
        });
        var tracks = catalogue.Tracks;
        var group = PlaylistUsers.From(rows, tracks.Index);
        var (users, history) = (group.Users, group.History);
        var output = new List<(string Template, string Name, int User, int Position, int Track, float Score)>();
        foreach (var template in templates)
        {
            var pool = template.Tracks.Where(tracks.Index.ContainsKey).Select(t => tracks.Index[t]).ToArray();
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
                    candidates.Add(scores[i] / best, 0, 0, slot, 0, false, catalogue.Unit.AsSpan(kept[i] * tracks.Factors, tracks.Factors));
                }
                var picked = DiversityReranker.Select(candidates, options, picks);
                for (var p = 0; p < picked; p++) output.Add((template.Id, template.Name, u, p + 1, kept[picks[p]], scores[picks[p]]));
            }
        }
        return ArrowColumns.Batch(OutputSchema, output.Count,
        [
            output.Select(r => (string?)r.Template).ToArray(),
            output.Select(r => (string?)r.Name).ToArray(),
            output.Select(r => (string?)users.Ids[r.User]).ToArray(),
            output.Select(r => r.Position).ToArray(),
            output.Select(r => (string?)tracks.Ids[r.Track]).ToArray(),
            output.Select(r => (string?)tracks.ArtistIds![r.Track]).ToArray(),
            output.Select(r => r.Score).ToArray(),
        ]);
    }

    private sealed record Catalogue(EmbeddingTable Tracks, float[] Unit);
}
