namespace BatchJobs.Embeddings.Als;

/// <summary>How an interaction strength r (r &gt; 0) becomes a confidence c = 1 + alpha * s(r).</summary>
public enum ConfidenceScaling
{
    /// <summary>s(r) = r, as in Hu, Koren and Volinsky (2008).</summary>
    Linear,

    /// <summary>s(r) = log(1 + r), which tames heavy listeners and repeat plays.</summary>
    Log,
}
