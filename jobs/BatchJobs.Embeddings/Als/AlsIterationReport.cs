namespace BatchJobs.Embeddings.Als;

/// <summary>What the trainer reports after each full iteration (a user half-step then an item half-step).</summary>
/// <param name="Iteration">1-based iteration number.</param>
/// <param name="Elapsed">Wall time of this iteration's two half-steps (excludes the loss computation).</param>
/// <param name="TotalElapsed">Wall time since training started, including set-up and any loss computations.</param>
/// <param name="Loss">The full training objective after this iteration, when
/// <see cref="ImplicitAlsOptions.ComputeLoss"/> is on; otherwise null.</param>
public readonly record struct AlsIterationReport(int Iteration, TimeSpan Elapsed, TimeSpan TotalElapsed, double? Loss);
