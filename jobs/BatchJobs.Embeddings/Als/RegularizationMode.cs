namespace BatchJobs.Embeddings.Als;

/// <summary>How the L2 penalty on a factor vector is weighted.</summary>
public enum RegularizationMode
{
    /// <summary>lambda * |x|^2 for every row, as in Hu, Koren and Volinsky (2008) and benfred/implicit.</summary>
    Plain,

    /// <summary>lambda * n * |x|^2 where n is the row's number of observed interactions, as Spark MLlib does.</summary>
    Weighted,
}
