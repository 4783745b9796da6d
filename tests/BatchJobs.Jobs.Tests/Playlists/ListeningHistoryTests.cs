using BatchJobs.Core.Contracts;
using BatchJobs.Core.Tables;
using BatchJobs.Jobs.Playlists;

namespace BatchJobs.Jobs.Tests.Playlists;

public class ListeningHistoryTests
{
    // The contract's schema, with its numeric columns required (as the Parquet table writer writes them) or optional
    // (as DuckDB writes them).
    [TestCase(false)]
    [TestCase(true)]
    public async Task Reads_the_same_values_every_time_whether_columns_are_required_or_optional(bool optional)
    {
        // Regression: reading required columns through Parquet.Net's nullable overload gave random nulls on some reads
        // (it depends on the state of pooled buffers, so repeated reads make it likely to show, not certain), and a
        // user's affinities changed from one read of the same file to the next.
        ColumnSpec[] schema =
        [
            new("user_id", ColumnType.String, false), new("track_id", ColumnType.String, false), new("plays", ColumnType.Int64, optional),
            new("streams", ColumnType.Int64, optional), new("skips", ColumnType.Int64, optional), new("last_played_at", ColumnType.Timestamp, false),
            new("affinity", ColumnType.Double, optional),
        ];
        const int users = 300;
        const int perUser = 40;
        var rows = users * perUser;
        var userIds = Enumerable.Range(0, rows).Select(i => (string?)$"u{i / perUser}").ToArray();
        var trackIds = Enumerable.Range(0, rows).Select(i => (string?)$"t{i % perUser + i / perUser % 7}").ToArray();
        var streams = Enumerable.Range(0, rows).Select(i => (long)(i % 5)).ToArray();
        var skips = Enumerable.Range(0, rows).Select(i => (long)(i % 3)).ToArray();
        var affinity = Enumerable.Range(0, rows).Select(i => i % 4 == 0 ? 0.0 : 1 + i % 97 * 0.25).ToArray();
        var played = Enumerable.Repeat(new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), rows).ToArray();
        var directory = Directory.CreateTempSubdirectory("listening-history-").FullName;
        try
        {
            var file = Path.Combine(directory, "part-00000.parquet");
            await using (var writer = await ParquetTableWriter.CreateAsync(file, schema))
            {
                Array[] columns = optional
                    ? [userIds, trackIds, streams.Select(v => (long?)v).ToArray(), streams.Select(v => (long?)v).ToArray(), skips.Select(v => (long?)v).ToArray(),
                        played, affinity.Select(v => (double?)v).ToArray()]
                    : [userIds, trackIds, streams, streams, skips, played, affinity];
                await writer.WriteRowGroupAsync(rows, columns);
            }
            var userIndex = Enumerable.Range(0, users).ToDictionary(u => $"u{u}", u => u);
            var trackIndex = Enumerable.Range(0, perUser + 7).ToDictionary(t => $"t{t}", t => t);

            for (var read = 0; read < 20; read++)
            {
                var history = await ListeningHistory.ReadAsync([file], userIndex, trackIndex, CancellationToken.None);

                Assert.That(history.Count, Is.EqualTo(rows));
                for (var u = 0; u < users; u++)
                {
                    var expected = Enumerable.Range(u * perUser, perUser).OrderByDescending(i => affinity[i]).ThenBy(i => trackIndex[trackIds[i]!]).ToArray();
                    Assert.That(history.AffinitiesOf(u).ToArray(), Is.EqualTo(expected.Select(i => (float)affinity[i])), $"read {read}, user {u}");
                    Assert.That(history.StreamsOf(u).ToArray(), Is.EqualTo(expected.Select(i => (int)streams[i])), $"read {read}, user {u}");
                    Assert.That(history.SkipsOf(u).ToArray(), Is.EqualTo(expected.Select(i => (int)skips[i])), $"read {read}, user {u}");
                }
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
