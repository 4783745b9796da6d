namespace BatchJobs.Scheduler.History;

/// <summary>One row of the run history in <c>scheduler.db</c>.</summary>
/// <param name="Id">The scheduler's run id (increasing).</param>
/// <param name="Job">The job run.</param>
/// <param name="Partition">The partition (a day, or the Monday of a week).</param>
/// <param name="LogicalDate">The date the job was run with (the last day of the partition's period).</param>
/// <param name="Attempt">1 for a first try; counts consecutive failed attempts of the partition.</param>
/// <param name="Trigger">What started the run.</param>
/// <param name="BackfillId">The backfill that started the run, if any.</param>
/// <param name="Status">Where the run stands.</param>
/// <param name="CreatedAt">When the run was first started (a waiting run is resumed in the same row).</param>
/// <param name="StartedAt">When the latest execution of the run started.</param>
/// <param name="EndedAt">When the latest execution ended; null while running.</param>
/// <param name="ExitCode">The exit code of the latest execution (DESIGN.md section 5).</param>
/// <param name="Error">Why it failed or waits, with the stack trace of a transient failure.</param>
/// <param name="Polls">Executions of the run: more than one when it waited for inputs.</param>
/// <param name="NextAttemptAt">For a failed or abandoned run, when it may be retried; null when it will not be.</param>
/// <param name="SnapshotRunId">The run id in the snapshot store (the <c>run=</c> folder) of the latest execution.</param>
/// <param name="Inputs">The input runs consumed, as <c>dataset/dt=…/run=…</c> or <c>raw:path</c>.</param>
/// <param name="Outputs">The runs published (or found up to date), as <c>dataset/dt=…/run=…</c>.</param>
/// <param name="Host">The machine that ran it.</param>
/// <param name="ProcessId">The process that ran it.</param>
/// <param name="LogFile">The job's log, below the root.</param>
public sealed record RunRecord(
    long Id,
    string Job,
    DateOnly Partition,
    DateOnly LogicalDate,
    int Attempt,
    RunTrigger Trigger,
    long? BackfillId,
    RunStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    int? ExitCode,
    string? Error,
    DateTimeOffset? NextAttemptAt,
    string? SnapshotRunId,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    string Host,
    int ProcessId,
    int Polls,
    string? LogFile)
{
    /// <summary>True when a tick should not retry the run (a permanent failure, or retries used up).</summary>
    public bool FailedForGood => Status is RunStatus.Failed or RunStatus.Abandoned && NextAttemptAt is null;

    /// <summary>The first line of the error, for tables.</summary>
    public string ErrorSummary => Error is null ? "" : Error.Split('\n', 2)[0].TrimEnd('\r');
}
