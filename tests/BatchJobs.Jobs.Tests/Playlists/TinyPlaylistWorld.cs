using Apache.Arrow;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;

namespace BatchJobs.Jobs.Tests.Playlists;

/// <summary>
/// The tiny catalogue the playlist kernels are tested on: tracks t0..t3 (artists a0, a0, a1, a1) point along x with
/// lengths 1.0..1.3 and form cluster 0 (pop); t4..t7 (a2, a2, a3, a3) point along y and form cluster 1 (jazz). Side
/// inputs are given in reverse id order, as side inputs come in no order. Groups are playlist_users rows.
/// </summary>
public static class TinyPlaylistWorld
{
    /// <summary>One playlist_users row: a user's vector row (kind 0) or one of its plays (kind 1).</summary>
    public readonly record struct UserRow(string User, int Kind, float[]? Vector, string? Track, double Affinity, long Streams, long Skips)
    {
        public static implicit operator UserRow((string User, int Kind, float[]? Vector, string? Track, double Affinity, long Streams, long Skips) row) =>
            new(row.User, row.Kind, row.Vector, row.Track, row.Affinity, row.Streams, row.Skips);
    }

    private static readonly ColumnSpec[] GroupColumns =
    [
        new("user_id", ColumnType.String, false), new("row_kind", ColumnType.Int32, false), new("vector", ColumnType.FloatList, true),
        new("track_id", ColumnType.String, true), new("affinity", ColumnType.Double, true), new("streams", ColumnType.Int64, true),
        new("skips", ColumnType.Int64, true),
    ];

    /// <param name="listeners">The listeners of t0..t7 over the whole history.</param>
    /// <param name="artistVectors">The vectors of a0..a3, or null for a world without artist embeddings.</param>
    public static SideInputs Catalogue(int[] listeners, float[][]? artistVectors = null)
    {
        var tracks = Enumerable.Range(0, 8).Reverse().ToArray();
        var artists = Enumerable.Range(0, 4).Reverse().ToArray();
        float[] Vector(int t) => t < 4 ? [1 + 0.1f * t, 0] : [0, 1 + 0.1f * (t - 4)];
        var sides = new Dictionary<string, RecordBatch>
        {
            ["track_embeddings"] = ArrowColumns.Batch(
                [new("track_id", ColumnType.String, false), new("artist_id", ColumnType.String, false), new("vector", ColumnType.FloatList, false)],
                8, [tracks.Select(t => $"t{t}").ToArray(), tracks.Select(t => $"a{t / 2}").ToArray(), tracks.Select(Vector).ToArray()]),
            ["taste_clusters"] = ArrowColumns.Batch(
                [new("cluster_id", ColumnType.Int32, false), new("label", ColumnType.String, false), new("leading_genre", ColumnType.String, false), new("centroid", ColumnType.FloatList, false)],
                2, [new[] { 1, 0 }, new[] { "ys", "xs" }, new[] { "jazz", "pop" }, new[] { new[] { 0f, 1f }, new[] { 1f, 0f } }]),
            ["track_clusters"] = ArrowColumns.Batch([new("track_id", ColumnType.String, false), new("cluster_id", ColumnType.Int32, false)],
                8, [tracks.Select(t => $"t{t}").ToArray(), tracks.Select(t => t / 4).ToArray()]),
            ["artists"] = ArrowColumns.Batch([new("artist_id", ColumnType.String, false), new("name", ColumnType.String, false)],
                4, [new[] { "a0", "a1", "a2", "a3" }, new[] { "Ann", "Bob", "Cy", "Di" }]),
            ["track_popularity"] = ArrowColumns.Batch([new("track_id", ColumnType.String, false), new("listeners", ColumnType.Int32, false)],
                8, [tracks.Select(t => $"t{t}").ToArray(), tracks.Select(t => listeners[t]).ToArray()]),
        };
        if (artistVectors is not null)
            sides["artist_embeddings"] = ArrowColumns.Batch(
                [new("artist_id", ColumnType.String, false), new("tracks", ColumnType.Int32, false), new("vector", ColumnType.FloatList, false)],
                4, [artists.Select(a => $"a{a}").ToArray(), artists.Select(_ => 2).ToArray(), artists.Select(a => artistVectors[a]).ToArray()]);
        return new SideInputs(sides);
    }

    /// <summary>A group of playlist_users rows.</summary>
    public static RecordBatch Group(params UserRow[] rows) =>
        ArrowColumns.Batch(GroupColumns, rows.Length,
        [
            rows.Select(r => r.User).ToArray(), rows.Select(r => r.Kind).ToArray(), rows.Select(r => r.Vector ?? []).ToArray(),
            rows.Select(r => r.Track).ToArray(), rows.Select(r => r.Affinity).ToArray(), rows.Select(r => r.Streams).ToArray(),
            rows.Select(r => r.Skips).ToArray(),
        ]);
}
