using BatchJobs.Scoring.TopK;

namespace BatchJobs.Scoring.Tests.TopK;

public class FactorMatrixTests
{
    [Test]
    public void Exposes_rows_of_a_row_major_array()
    {
        var matrix = new FactorMatrix(new float[] { 1, 2, 3, 4, 5, 6 }, rows: 2, columns: 3);

        Assert.That(matrix.Row(1).ToArray(), Is.EqualTo(new float[] { 4, 5, 6 }));
    }

    [Test]
    public void Rejects_a_value_count_that_is_not_rows_times_columns()
    {
        var error = Assert.Throws<ArgumentException>(() => _ = new FactorMatrix(new float[5], rows: 2, columns: 3));
        Assert.That(error!.Message, Does.Contain("A 2 x 3 factor matrix needs 6 values but 5 were given"));
    }

    [Test]
    public void Rejects_a_matrix_without_columns()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FactorMatrix(Array.Empty<float>(), rows: 0, columns: 0));
    }
}
