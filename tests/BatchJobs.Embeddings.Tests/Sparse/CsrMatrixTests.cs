using BatchJobs.Embeddings.Sparse;

namespace BatchJobs.Embeddings.Tests.Sparse;

public sealed class CsrMatrixTests
{
    [Test]
    public void FromTriples_sorts_rows_and_sums_duplicates()
    {
        var matrix = CsrMatrix.FromTriples(3, 4, [2, 0, 2, 0, 2], [3, 1, 0, 1, 3], [1f, 2f, 3f, 4f, 5f]);

        Assert.That(matrix.NonZeros, Is.EqualTo(3));
        Assert.That(matrix.RowOffsets.ToArray(), Is.EqualTo(new[] { 0, 1, 1, 3 }));
        Assert.That(matrix.RowIndices(0).ToArray(), Is.EqualTo(new[] { 1 }));
        Assert.That(matrix.RowValues(0).ToArray(), Is.EqualTo(new[] { 6f }));
        Assert.That(matrix.RowIndices(2).ToArray(), Is.EqualTo(new[] { 0, 3 }));
        Assert.That(matrix.RowValues(2).ToArray(), Is.EqualTo(new[] { 3f, 6f }));
        Assert.That(matrix.RowLength(1), Is.Zero);
    }

    [Test]
    public void Transpose_swaps_rows_and_columns_and_round_trips()
    {
        var matrix = CsrMatrix.FromTriples(3, 4, [0, 0, 1, 2, 2], [1, 3, 1, 0, 3], [1f, 2f, 3f, 4f, 5f]);
        var transposed = matrix.Transpose();

        Assert.That((transposed.Rows, transposed.Columns), Is.EqualTo((4, 3)));
        Assert.That(transposed.RowIndices(1).ToArray(), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(transposed.RowValues(1).ToArray(), Is.EqualTo(new[] { 1f, 3f }));
        Assert.That(transposed.RowIndices(3).ToArray(), Is.EqualTo(new[] { 0, 2 }));
        Assert.That(transposed.RowLength(2), Is.Zero);

        var back = transposed.Transpose();
        Assert.That(back.RowOffsets.ToArray(), Is.EqualTo(matrix.RowOffsets.ToArray()));
        Assert.That(back.ColumnIndices.ToArray(), Is.EqualTo(matrix.ColumnIndices.ToArray()));
        Assert.That(back.Values.ToArray(), Is.EqualTo(matrix.Values.ToArray()));
    }

    [Test]
    public void Invalid_arrays_and_triples_are_rejected_naming_the_row()
    {
        Assert.That(() => new CsrMatrix(2, 3, [0, 2, 1], [0, 1], [1f, 1f]), Throws.ArgumentException.With.Message.Contains("must start at 0 and end at the number of non-zeros"));
        Assert.That(() => new CsrMatrix(2, 3, [0, 2, 2], [1, 1], [1f, 1f]), Throws.ArgumentException.With.Message.Contains("Row 0 has column indices out of order or repeated"));
        Assert.That(() => new CsrMatrix(2, 3, [0, 1, 2], [0, 3], [1f, 1f]), Throws.ArgumentException.With.Message.Contains("Row 1 has column index 3"));
        Assert.That(() => new CsrMatrix(2, 3, [0, 1], [0], [1f]), Throws.ArgumentException.With.Message.Contains("needs 3"));
        Assert.That(() => CsrMatrix.FromTriples(2, 3, [0, 5], [0, 0], [1f, 1f]), Throws.ArgumentException.With.Message.Contains("Triple 1 has row 5"));
        Assert.That(() => CsrMatrix.FromTriples(2, 3, [0], [0, 1], [1f]), Throws.ArgumentException.With.Message.Contains("equal lengths"));
    }
}
