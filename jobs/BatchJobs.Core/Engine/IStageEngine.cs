using BatchJobs.Core.Plans;
using BatchJobs.Core.Snapshots;

namespace BatchJobs.Core.Engine;

/// <summary>Runs plans; jobs never know which engine does.</summary>
public interface IStageEngine
{
    /// <summary>
    /// Runs every stage of <paramref name="plan"/> in order and writes each output's relation into its staged run
    /// (with the statistics the plan declares); publishing is the caller's.
    /// </summary>
    /// <param name="plan">The plan.</param>
    /// <param name="outputs">The staged run of each dataset the plan publishes.</param>
    /// <param name="scratchDirectory">A private folder for intermediate stages, removed by the caller.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    Task RunAsync(StagePlan plan, IReadOnlyDictionary<string, StagedSnapshot> outputs, string scratchDirectory, CancellationToken cancellationToken);
}
