namespace BatchJobs.Embeddings.Als;

/// <summary>How each row's regularised least-squares problem is solved in a half-iteration.</summary>
public enum AlsSolver
{
    /// <summary>
    /// A few conjugate-gradient steps warm-started from the previous iteration's vector; never forms the
    /// k x k system of a row (benfred/implicit's approach). Fast; approximate per iteration.
    /// </summary>
    ConjugateGradient,

    /// <summary>Forms each row's k x k normal equations and solves them exactly by Cholesky factorisation.</summary>
    Cholesky,
}
