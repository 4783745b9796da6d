namespace BatchJobs.Scheduler.History;

/// <summary>The outcome of <see cref="RunStore.TryStart"/>: the started run, or why nothing started.</summary>
public sealed record StartResult(RunRecord? Run, string? RefusedBecause)
{
    /// <summary>The partition's lease is held by a live run elsewhere (as opposed to a refusal by the caller's rule).</summary>
    public bool Leased { get; init; }
}
