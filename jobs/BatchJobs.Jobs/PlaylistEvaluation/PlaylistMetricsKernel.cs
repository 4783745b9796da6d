using Apache.Arrow;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;

namespace BatchJobs.Jobs.PlaylistEvaluation;

/// <summary>
/// Per user of a group of <c>evaluation_rows</c> (kind, user_id, position, track_id; sorted by user, kind and position):
/// one row per playlist kind in <see cref="Playlists"/> with the user's <see cref="PlaylistMetrics.OfUser"/>, against the
/// user's rows of kind <see cref="PlayedKind"/>. A user without rows of a kind gets an empty playlist of that kind, so
/// every kind counts the same users. Side inputs: <c>track_popularity</c> and <c>track_embeddings</c>.
/// </summary>
public sealed class PlaylistMetricsKernel(IReadOnlyList<string> playlists) : IGroupKernel
{
    public const string PlayedKind = "played";
    public const string Tracks = "track_popularity";
    public const string Embeddings = "track_embeddings";

    /// <summary>The playlist kinds measured, in output order.</summary>
    public IReadOnlyList<string> Playlists { get; } = playlists;

    public IReadOnlyList<ColumnSpec> OutputSchema { get; } =
    [
        new("playlist", ColumnType.String, false), new("user_id", ColumnType.String, false), new("tracks", ColumnType.Int32, false),
        new("hits", ColumnType.Int32, false), new("is_active", ColumnType.Boolean, false), new("has_pairs", ColumnType.Boolean, false),
        new("diversity", ColumnType.Double, false), new("distinct_artists", ColumnType.Int32, false), new("rank_sum", ColumnType.Int64, false),
    ];

    public RecordBatch Apply(RecordBatch rows, SideInputs sideInputs)
    {
        var tracks = sideInputs.Get(Tracks, EvaluationTracks.From);
        var unit = sideInputs.Get(Embeddings, tracks.Vectors);
        var kinds = rows.Strings("kind");
        var users = rows.Strings("user_id");
        var trackIds = rows.Strings("track_id");
        var lists = Playlists.Select(_ => new List<int>()).ToArray();
        var played = new HashSet<int>();
        var output = new Output(Playlists.Count * users.Length);
        for (var start = 0; start < users.Length;)
        {
            foreach (var list in lists) list.Clear();
            played.Clear();
            var end = start;
            for (; end < users.Length && users[end] == users[start]; end++)
            {
                var t = tracks.IndexOf(trackIds[end]);
                if (t < 0) throw new InvalidDataException($"evaluation_rows, user '{users[end]}': track '{trackIds[end]}' is not in track_popularity; both must come from the same model");
                if (kinds[end] == PlayedKind) played.Add(t);
                else
                {
                    var kind = IndexOf(kinds[end]);
                    if (kind < 0) throw new InvalidDataException($"evaluation_rows, user '{users[end]}': kind '{kinds[end]}' is neither '{PlayedKind}' nor one of {string.Join(", ", Playlists)}");
                    lists[kind].Add(t);
                }
            }
            for (var k = 0; k < lists.Length; k++)
                output.Add(Playlists[k], users[start], played.Count > 0,
                    PlaylistMetrics.OfUser(lists[k].ToArray(), played, unit.Values, unit.Factors, tracks.ArtistOfTrack, tracks.PopularityRank));
            start = end;
        }
        return ArrowColumns.Batch(OutputSchema, output.Count,
            [output.Playlist, output.User, output.Tracks, output.Hits, output.IsActive, output.HasPairs, output.Diversity, output.Artists, output.RankSum]);
    }

    private int IndexOf(string kind)
    {
        for (var k = 0; k < Playlists.Count; k++)
            if (Playlists[k] == kind) return k;
        return -1;
    }

    /// <summary>Output columns, sized for the most rows a group can give (every row its own user).</summary>
    private sealed class Output(int capacity)
    {
        public int Count { get; private set; }
        public string?[] Playlist { get; } = new string?[capacity];
        public string?[] User { get; } = new string?[capacity];
        public int[] Tracks { get; } = new int[capacity];
        public int[] Hits { get; } = new int[capacity];
        public bool[] IsActive { get; } = new bool[capacity];
        public bool[] HasPairs { get; } = new bool[capacity];
        public double[] Diversity { get; } = new double[capacity];
        public int[] Artists { get; } = new int[capacity];
        public long[] RankSum { get; } = new long[capacity];

        public void Add(string playlist, string user, bool isActive, UserPlaylistMetrics metrics)
        {
            (Playlist[Count], User[Count], IsActive[Count]) = (playlist, user, isActive);
            (Tracks[Count], Hits[Count], Artists[Count], RankSum[Count]) = (metrics.Tracks, metrics.Hits, metrics.DistinctArtists, metrics.RankSum);
            (HasPairs[Count], Diversity[Count]) = (metrics.HasPairs, metrics.Diversity);
            Count++;
        }
    }
}
