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

/// <summary>
/// A job whose work is a <see cref="Plans.StagePlan"/>: it builds the plan from its context, the engine runs it, and
/// the outputs are published together. <c>batchjobs plan</c> prints the plan without running it.
/// </summary>
public abstract class PlannedJob : IJob
{
    public abstract string Name { get; }

    /// <summary>Inputs, stages and outputs for the context's date and parameters; builds, never runs.</summary>
    public abstract Plans.StagePlan Plan(JobContext context);

    public virtual async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var staged = await context.RunPlanAsync(Plan(context), cancellationToken);
        await context.PublishAsync(staged, cancellationToken);
    }
}
