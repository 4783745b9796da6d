namespace BatchJobs.Scheduler.History;

/// <summary>How a run ended, as <see cref="RunStore.Finish"/> records it.</summary>
/// <param name="Status">Succeeded, Waiting, Failed or Cancelled.</param>
/// <param name="EndedAt">When the execution ended.</param>
/// <param name="ExitCode">The exit code of DESIGN.md section 5 (none when cancelled).</param>
/// <param name="Error">The failure or waiting message; null on success.</param>
/// <param name="NextAttemptAt">For a failure, when it may be retried; null for a permanent failure or when retries are used up.</param>
/// <param name="SnapshotRunId">The run id in the snapshot store.</param>
/// <param name="Inputs">The input runs consumed.</param>
/// <param name="Outputs">The runs published or found up to date.</param>
/// <param name="Deliveries">The partitions first published by this run; the store keeps the earliest per partition.</param>
/// <param name="LogFile">The job's log, below the root; null to keep what is recorded.</param>
public sealed record RunCompletion(
    RunStatus Status,
    DateTimeOffset EndedAt,
    int? ExitCode,
    string? Error,
    DateTimeOffset? NextAttemptAt,
    string? SnapshotRunId,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    IReadOnlyList<Delivery> Deliveries,
    string? LogFile = null);
