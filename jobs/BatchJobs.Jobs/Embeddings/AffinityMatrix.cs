using BatchJobs.Core.Tables;
using BatchJobs.Embeddings.Sparse;
using Parquet;
using Parquet.Schema;

namespace BatchJobs.Jobs.Embeddings;

/// <summary>
/// <c>user_track_affinity</c> as a sparse users x tracks matrix: ids sorted ordinally (so indices, and therefore the
/// trained factors, do not depend on file order), positive affinities stored, zero ones only registering the id.
/// </summary>
public sealed class AffinityMatrix
{
    private AffinityMatrix(string[] userIds, string[] trackIds, CsrMatrix userItems, HashSet<(int, int)> played)
    {
        UserIds = userIds;
        TrackIds = trackIds;
        UserItems = userItems;
        Played = played;
    }

    public string[] UserIds { get; }
    public string[] TrackIds { get; }

    /// <summary>Users as rows, tracks as columns, positive affinities.</summary>
    public CsrMatrix UserItems { get; }

    /// <summary>Every (user, track) pair of the input, zero affinity included: what the user has played.</summary>
    public IReadOnlySet<(int User, int Track)> Played { get; }

    public static async Task<AffinityMatrix> ReadAsync(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var users = new List<string>();
        var tracks = new List<string>();
        var values = new List<float>();
        foreach (var file in files)
        {
            await using var reader = await ParquetReader.CreateAsync(file, cancellationToken: cancellationToken);
            DataField Field(string name) => reader.Schema.DataFields.Single(f => f.Name == name);
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                var group = reader.OpenRowGroupReader(g);
                var rows = checked((int)group.RowCount);
                var userIds = new string?[rows];
                var trackIds = new string?[rows];
                await group.ReadAsync(Field("user_id"), userIds.AsMemory(), cancellationToken: cancellationToken);
                await group.ReadAsync(Field("track_id"), trackIds.AsMemory(), cancellationToken: cancellationToken);
                var affinity = await ParquetNumericColumns.ReadAsync<double>(group, Field("affinity"), cancellationToken);
                for (var i = 0; i < rows; i++)
                {
                    users.Add(userIds[i]!);
                    tracks.Add(trackIds[i]!);
                    values.Add((float)affinity[i]);
                }
            }
        }
        return Build(users, tracks, values);
    }

    /// <summary>Builds the matrix from parallel lists of user ids, track ids and affinities.</summary>
    public static AffinityMatrix Build(IReadOnlyList<string> users, IReadOnlyList<string> tracks, IReadOnlyList<float> values)
    {
        var userIds = users.Distinct().Order(StringComparer.Ordinal).ToArray();
        var trackIds = tracks.Distinct().Order(StringComparer.Ordinal).ToArray();
        var userIndex = Index(userIds);
        var trackIndex = Index(trackIds);
        var rows = new List<int>();
        var columns = new List<int>();
        var weights = new List<float>();
        var played = new HashSet<(int, int)>(users.Count);
        for (var i = 0; i < users.Count; i++)
        {
            var (u, t) = (userIndex[users[i]], trackIndex[tracks[i]]);
            played.Add((u, t));
            if (!(values[i] > 0)) continue;
            rows.Add(u);
            columns.Add(t);
            weights.Add(values[i]);
        }
        var matrix = CsrMatrix.FromTriples(userIds.Length, trackIds.Length, rows.ToArray(), columns.ToArray(), weights.ToArray());
        return new AffinityMatrix(userIds, trackIds, matrix, played);
    }

    /// <summary>The played pairs as a users x tracks matrix (value 1), for excluding history from recommendations.</summary>
    public CsrMatrix PlayedMatrix()
    {
        var pairs = Played.OrderBy(p => p.User).ThenBy(p => p.Track).ToList();
        return CsrMatrix.FromTriples(UserIds.Length, TrackIds.Length, pairs.Select(p => p.User).ToArray(), pairs.Select(p => p.Track).ToArray(),
            Enumerable.Repeat(1f, pairs.Count).ToArray());
    }

    private static Dictionary<string, int> Index(string[] ids)
    {
        var index = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++) index[ids[i]] = i;
        return index;
    }
}
