namespace BatchJobs.Core.Jobs;

/// <summary>
/// Produces the partitions of the datasets whose contracts name it (<c>producer.job</c>) for one logical date, from
/// the inputs those contracts declare. Running it twice for the same date and inputs gives the same rows.
/// </summary>
public interface IJob
{
    /// <summary>The kebab-case name contracts use in <c>producer.job</c>.</summary>
    string Name { get; }

    /// <summary>Reads inputs through <paramref name="context"/>, stages its outputs and publishes them.</summary>
    Task RunAsync(JobContext context, CancellationToken cancellationToken);
}
