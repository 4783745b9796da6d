using BatchJobs.Embeddings.Als;
using BatchJobs.Embeddings.Sparse;

namespace BatchJobs.Embeddings.Tests.Als;

public sealed class RowParallelTests
{
    [TestCase(1)]
    [TestCase(3)]
    public void Every_row_is_visited_exactly_once(int workers)
    {
        var visits = new int[1000];
        RowParallel.For(visits.Length, 64, workers, (_, start, end) =>
        {
            for (var row = start; row < end; row++) Interlocked.Increment(ref visits[row]);
        });
        Assert.That(visits, Is.All.EqualTo(1));
    }

    [Test]
    public void Balanced_boundaries_close_chunks_by_work_and_isolate_heavy_rows()
    {
        // Row lengths 1, 1, 10, 1, 1, 1: with a row cost of 1 and a target of 4, the heavy row ends its own chunk.
        int[] lengths = [1, 1, 10, 1, 1, 1];
        var rows = lengths.SelectMany((length, row) => Enumerable.Repeat(row, length)).ToArray();
        var columns = lengths.SelectMany(length => Enumerable.Range(0, length)).ToArray();
        var matrix = CsrMatrix.FromTriples(lengths.Length, 10, rows, columns, Enumerable.Repeat(1f, rows.Length).ToArray());

        Assert.That(RowParallel.BalancedBoundaries(matrix, rowCost: 1, targetCost: 4), Is.EqualTo(new[] { 0, 2, 3, 5, 6 }));
    }

    [Test]
    public void The_first_failure_is_rethrown_unwrapped()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            RowParallel.For(100, 10, 2, (_, start, _) => { if (start == 50) throw new InvalidOperationException("row 50"); }));
        Assert.That(error!.Message, Is.EqualTo("row 50"));
    }
}
