using BatchJobs.Embeddings.Als;
using BatchJobs.Embeddings.Sparse;

namespace BatchJobs.Embeddings.Tests.Als;

/// <summary>Seeded random fixtures: interaction matrices and factor matrices.</summary>
internal static class TestMatrices
{
    /// <summary>A users x items matrix where each pair is observed with probability <paramref name="density"/>,
    /// with values in [1, 20), and at least one empty user row (the last) to exercise the empty-row path.</summary>
    public static CsrMatrix RandomInteractions(int users, int items, double density, int seed)
    {
        var random = new Random(seed);
        var rows = new List<int>();
        var columns = new List<int>();
        var values = new List<float>();
        for (var u = 0; u < users - 1; u++)
        {
            for (var i = 0; i < items; i++)
            {
                if (random.NextDouble() >= density) continue;
                rows.Add(u);
                columns.Add(i);
                values.Add(1f + (float)Math.Floor(random.NextDouble() * 19));
            }
        }
        return CsrMatrix.FromTriples(users, items, rows.ToArray(), columns.ToArray(), values.ToArray());
    }

    /// <summary>Random factors uniform in [-scale, scale).</summary>
    public static FactorMatrix RandomFactors(int rows, int factors, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        var matrix = new FactorMatrix(rows, factors);
        for (var r = 0; r < rows; r++)
        {
            var row = matrix.Row(r);
            for (var j = 0; j < factors; j++) row[j] = (float)(random.NextDouble() * 2 - 1) * scale;
        }
        return matrix;
    }
}
