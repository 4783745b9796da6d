using BatchJobs.Core.Contracts;
using BatchJobs.Core.Tables;
using BatchJobs.Jobs.Embeddings;

namespace BatchJobs.Jobs.Tests.Embeddings;

public class AffinityMatrixTests
{
    [Test]
    public void IdsAreSortedAndZeroAffinitiesOnlyRegisterThePair()
    {
        var matrix = AffinityMatrix.Build(["u2", "u1", "u1", "u3"], ["t9", "t1", "t9", "t1"], [2f, 0f, 1.5f, 0f]);
        Assert.That(matrix.UserIds, Is.EqualTo(new[] { "u1", "u2", "u3" }));
        Assert.That(matrix.TrackIds, Is.EqualTo(new[] { "t1", "t9" }));
        Assert.That(matrix.UserItems.NonZeros, Is.EqualTo(2));
        Assert.That(matrix.UserItems.RowIndices(0).ToArray(), Is.EqualTo(new[] { 1 }));
        Assert.That(matrix.UserItems.RowValues(0).ToArray(), Is.EqualTo(new[] { 1.5f }));
        Assert.That(matrix.UserItems.RowLength(2), Is.EqualTo(0), "u3 only has a zero affinity: a user without positives");
        Assert.That(matrix.Played, Does.Contain((0, 0)), "a zero-affinity pair still counts as played");
        Assert.That(matrix.PlayedMatrix().NonZeros, Is.EqualTo(4));
    }

    // The affinity column as the Parquet table writer writes it (required) and as DuckDB does (optional): Parquet.Net's
    // nullable overload on a required column gave random nulls, so a read must give the same weights every time.
    [TestCase(false)]
    [TestCase(true)]
    public async Task ReadsTheSameWeightsEveryTimeWhetherTheColumnIsRequiredOrOptional(bool optional)
    {
        ColumnSpec[] schema = [new("user_id", ColumnType.String, false), new("track_id", ColumnType.String, false), new("affinity", ColumnType.Double, optional)];
        const int rows = 12_000;
        var userIds = Enumerable.Range(0, rows).Select(i => (string?)$"u{i / 40:D4}").ToArray();
        var trackIds = Enumerable.Range(0, rows).Select(i => (string?)$"t{i % 40:D2}").ToArray();
        var affinity = Enumerable.Range(0, rows).Select(i => 1 + i % 97 * 0.25).ToArray();
        var directory = Directory.CreateTempSubdirectory("affinity-matrix-").FullName;
        try
        {
            var file = Path.Combine(directory, "part-00000.parquet");
            await using (var writer = await ParquetTableWriter.CreateAsync(file, schema))
                await writer.WriteRowGroupAsync(rows, [userIds, trackIds, optional ? affinity.Select(v => (double?)v).ToArray() : affinity]);

            for (var read = 0; read < 20; read++)
            {
                var matrix = await AffinityMatrix.ReadAsync([file], CancellationToken.None);
                Assert.That(matrix.UserItems.NonZeros, Is.EqualTo(rows), $"read {read}: every weight is positive, none may read as null");
                for (var u = 0; u < matrix.UserIds.Length; u += 37)
                    Assert.That(matrix.UserItems.RowValues(u).ToArray(), Is.EqualTo(Enumerable.Range(u * 40, 40).Select(i => (float)affinity[i])), $"read {read}, user {u}");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
