using BatchJobs.Core.Jobs;

namespace BatchJobs.Core.Tests.Support;

/// <summary>A job whose run is given by the test; counts how often the runner actually ran it.</summary>
public sealed class DelegateJob(string name, Func<JobContext, CancellationToken, Task> run) : IJob
{
    public string Name { get; } = name;

    /// <summary>What the next run does; tests swap it to make a job fail one way or another.</summary>
    public Func<JobContext, CancellationToken, Task> Run { get; set; } = run;

    public int Runs { get; private set; }

    public Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        Runs++;
        return Run(context, cancellationToken);
    }
}
