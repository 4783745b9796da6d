namespace BatchJobs.Embeddings.Als;

/// <summary>Hyper-parameters and run settings of implicit-feedback ALS training.</summary>
/// <remarks>
/// Defaults: 64 factors, 15 iterations, lambda 0.01 with <see cref="RegularizationMode.Plain"/>, alpha 1 with
/// <see cref="ConfidenceScaling.Linear"/>, conjugate gradient with 3 steps, seed 0, all cores, no loss.
/// These match benfred/implicit's defaults; real data usually wants a larger alpha (tens) or log scaling.
/// Results do not depend on <see cref="MaxDegreeOfParallelism"/>: the same input, seed and options give
/// bit-identical factors with any thread count.
/// </remarks>
public sealed record ImplicitAlsOptions
{
    /// <summary>Dimension k of every user and item vector (1 to 1024).</summary>
    public int Factors { get; init; } = 64;

    /// <summary>Number of full iterations (each solves all users, then all items); at least 1.</summary>
    public int Iterations { get; init; } = 15;

    /// <summary>L2 penalty lambda (positive, so every row's system is positive definite).</summary>
    public float Regularization { get; init; } = 0.01f;

    /// <summary>Whether lambda is applied as is or times the row's interaction count.</summary>
    public RegularizationMode RegularizationMode { get; init; } = RegularizationMode.Plain;

    /// <summary>Confidence slope: c = 1 + alpha * s(r); zero or positive.</summary>
    public float Alpha { get; init; } = 1f;

    /// <summary>The function s applied to an interaction value before alpha.</summary>
    public ConfidenceScaling Scaling { get; init; } = ConfidenceScaling.Linear;

    /// <summary>Per-row solver.</summary>
    public AlsSolver Solver { get; init; } = AlsSolver.ConjugateGradient;

    /// <summary>Conjugate-gradient steps per row and half-iteration (at least 1; ignored by Cholesky).</summary>
    public int ConjugateGradientSteps { get; init; } = 3;

    /// <summary>Seed of the initial factors.</summary>
    public ulong Seed { get; init; }

    /// <summary>Worker threads; 0 means one per logical core.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>Whether to compute the full objective after every iteration (costs about a CG step's time).</summary>
    public bool ComputeLoss { get; init; }

    /// <summary>The worker count this run uses: <see cref="MaxDegreeOfParallelism"/>, or the core count if 0.</summary>
    public int EffectiveParallelism => MaxDegreeOfParallelism > 0 ? MaxDegreeOfParallelism : Environment.ProcessorCount;

    /// <summary>Rejects out-of-range settings with a message naming the option and what would fix it.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        if (Factors is < 1 or > 1024)
            throw new ArgumentException($"Factors must be between 1 and 1024; got {Factors}.", nameof(Factors));
        if (Iterations < 1)
            throw new ArgumentException($"Iterations must be at least 1; got {Iterations}.", nameof(Iterations));
        if (!float.IsFinite(Regularization) || Regularization <= 0f)
            throw new ArgumentException($"Regularization must be a positive finite number (e.g. 0.01); got {Regularization}.", nameof(Regularization));
        if (!float.IsFinite(Alpha) || Alpha < 0f)
            throw new ArgumentException($"Alpha must be zero or a positive finite number; got {Alpha}.", nameof(Alpha));
        if (!Enum.IsDefined(RegularizationMode))
            throw new ArgumentException($"RegularizationMode {(int)RegularizationMode} is not one of Plain, Weighted.", nameof(RegularizationMode));
        if (!Enum.IsDefined(Scaling))
            throw new ArgumentException($"Scaling {(int)Scaling} is not one of Linear, Log.", nameof(Scaling));
        if (!Enum.IsDefined(Solver))
            throw new ArgumentException($"Solver {(int)Solver} is not one of ConjugateGradient, Cholesky.", nameof(Solver));
        if (ConjugateGradientSteps < 1)
            throw new ArgumentException($"ConjugateGradientSteps must be at least 1; got {ConjugateGradientSteps}.", nameof(ConjugateGradientSteps));
        if (MaxDegreeOfParallelism < 0)
            throw new ArgumentException($"MaxDegreeOfParallelism must be 0 (all cores) or positive; got {MaxDegreeOfParallelism}.", nameof(MaxDegreeOfParallelism));
    }

    /// <summary>The confidence weight c - 1 = alpha * s(r) of an interaction value r.</summary>
    internal float ConfidenceMinusOne(float value) =>
        Scaling == ConfidenceScaling.Log ? Alpha * float.LogP1(value) : Alpha * value;

    /// <summary>The penalty lambda of a row with <paramref name="interactions"/> observed entries.</summary>
    internal float RowRegularization(int interactions) =>
        RegularizationMode == RegularizationMode.Weighted ? Regularization * interactions : Regularization;
}
