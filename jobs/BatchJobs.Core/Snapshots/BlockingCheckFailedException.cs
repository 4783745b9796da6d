namespace BatchJobs.Core.Snapshots;

/// <summary>A check of severity <c>error</c> failed: nothing was published; the run's output was kept aside.</summary>
public sealed class BlockingCheckFailedException(string message, IReadOnlyList<CheckResult> failures, IReadOnlyList<string> keptAt)
    : Exception(message)
{
    public IReadOnlyList<CheckResult> Failures { get; } = failures;

    /// <summary>Where the unpublished output was moved for debugging.</summary>
    public IReadOnlyList<string> KeptAt { get; } = keptAt;
}
