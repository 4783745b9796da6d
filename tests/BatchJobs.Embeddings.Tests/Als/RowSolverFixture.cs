using BatchJobs.Embeddings.Als;
using BatchJobs.Embeddings.Sparse;

namespace BatchJobs.Embeddings.Tests.Als;

/// <summary>Everything a row solve needs, built from a random interaction matrix and random fixed factors:
/// the confidence weights w = c - 1 of each stored entry and the fixed side's Gram matrix.</summary>
internal sealed class RowSolverFixture
{
    public RowSolverFixture(int rows, int fixedRows, int factors, ImplicitAlsOptions options, int seed)
    {
        Options = options with { Factors = factors };
        Interactions = TestMatrices.RandomInteractions(rows, fixedRows, 0.3, seed);
        FixedSide = TestMatrices.RandomFactors(fixedRows, factors, seed + 1, scale: 0.5f);
        Gram = new GramMatrix(factors);
        Gram.Compute(FixedSide, workers: 1);
        var values = Interactions.Values;
        Weights = new float[values.Length];
        for (var n = 0; n < values.Length; n++) Weights[n] = Options.ConfidenceMinusOne(values[n]);
    }

    public ImplicitAlsOptions Options { get; }

    public CsrMatrix Interactions { get; }

    public FactorMatrix FixedSide { get; }

    public GramMatrix Gram { get; }

    public float[] Weights { get; }

    /// <summary>The interactions with w = c - 1 as values, as the trainer hands them to the CG solver.</summary>
    public CsrMatrix WeightMatrix => Interactions.WithValues(Weights);

    public int MaxRowLength => Enumerable.Range(0, Interactions.Rows).Max(Interactions.RowLength);

    public int Stride => FixedSide.Stride;

    public ReadOnlySpan<float> RowWeights(int row) => Weights.AsSpan(Interactions.RowOffsets[row], Interactions.RowLength(row));

    public float RowRegularization(int row) => Options.RowRegularization(Interactions.RowLength(row));
}
