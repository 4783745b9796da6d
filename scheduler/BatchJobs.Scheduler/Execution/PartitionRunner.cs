using BatchJobs.Core;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Snapshots;
using BatchJobs.Scheduler.History;

namespace BatchJobs.Scheduler.Execution;

/// <summary>
/// Runs one partition in-process through <see cref="JobRunner"/> under the partition's lease: starts it in the run
/// history, renews the lease while the job runs, and records the outcome, its exit code, the input runs consumed and
/// when a failure may be retried. The job's log goes to <c>&lt;root&gt;/logs/&lt;job&gt;/dt=&lt;partition&gt;/run-&lt;id&gt;.log</c>.
/// </summary>
/// <remarks>Safe to use from several threads for different partitions.</remarks>
public sealed class PartitionRunner(RunStore store, JobRunner runner, SchedulerOptions options, TimeProvider clock)
{
    /// <summary>Runs the partition unless its lease is held elsewhere or <paramref name="refuse"/> says not to.</summary>
    /// <param name="run">The partition.</param>
    /// <param name="trigger">What starts it.</param>
    /// <param name="backfillId">The backfill starting it, if any.</param>
    /// <param name="force">Recompute even when published from the same inputs.</param>
    /// <param name="refuse">Decides under the lease lock from the partition's latest run; see <see cref="StartRequest.Refuse"/>.</param>
    /// <param name="cancellationToken">Cancels the job; the run is recorded as cancelled and the exception rethrown.</param>
    public async Task<RunOutcome> RunAsync(PartitionRun run, RunTrigger trigger, long? backfillId, bool force, Func<RunRecord?, string?> refuse,
        CancellationToken cancellationToken)
    {
        var started = store.TryStart(new StartRequest(run.Job, run.Partition, run.LogicalDate, trigger, backfillId, clock.GetUtcNow(), options.LeaseDuration, refuse),
            NextAttemptOfAbandoned);
        if (started.Run is not { } record)
            return new RunOutcome(run, started.Leased ? RunOutcomeKind.Leased : RunOutcomeKind.Refused, started.RefusedBecause!);

        var logFile = Path.Combine("logs", run.Job, $"dt={run.Partition:yyyy-MM-dd}", $"run-{record.Id}.log");
        var renewEvery = options.LeaseDuration / 3;
        using var renewal = clock.CreateTimer(_ => Renew(record.Id), null, renewEvery, renewEvery);
        JobRunResult result;
        try
        {
            var path = Path.Combine(runner.Reader.Layout.Root, logFile);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using var writer = new StreamWriter(path, append: true) { AutoFlush = true };
            var log = TextWriter.Synchronized(writer);
            await log.WriteLineAsync($"{clock.GetUtcNow():yyyy-MM-dd HH:mm:ss} UTC: {run} (logical date {run.LogicalDate:yyyy-MM-dd}), run #{record.Id}, attempt {record.Attempt}, {trigger.ToString().ToLowerInvariant()}, force {force}");
            result = await RunJobAsync(run, force, log, cancellationToken);
            await log.WriteLineAsync($"{clock.GetUtcNow():yyyy-MM-dd HH:mm:ss} UTC: {result.Status} (exit {result.ExitCode}): {result.Message}");
        }
        catch (OperationCanceledException)
        {
            store.Finish(record.Id, new RunCompletion(RunStatus.Cancelled, clock.GetUtcNow(), null, "cancelled by the operator", null, null, [], [], [], logFile));
            throw;
        }
        var completion = Complete(record, result) with { LogFile = logFile };
        store.Finish(record.Id, completion);
        var recorded = record with
        {
            Status = completion.Status, EndedAt = completion.EndedAt, ExitCode = completion.ExitCode, Error = completion.Error,
            NextAttemptAt = completion.NextAttemptAt, SnapshotRunId = completion.SnapshotRunId, Inputs = completion.Inputs, Outputs = completion.Outputs, LogFile = logFile,
        };
        var kind = completion.Status switch
        {
            RunStatus.Succeeded => RunOutcomeKind.Succeeded,
            RunStatus.Waiting => RunOutcomeKind.Waiting,
            _ => RunOutcomeKind.Failed,
        };
        return new RunOutcome(run, kind, result.Message, recorded);
    }

    /// <summary>An abandoned run is retried at once (its lease already made it wait) while it has attempts left.</summary>
    public DateTimeOffset? NextAttemptOfAbandoned(RunRecord run) =>
        options.RetryFor(run.Job).AllowsRetryAfter(run.Attempt) ? clock.GetUtcNow() : null;

    private async Task<JobRunResult> RunJobAsync(PartitionRun run, bool force, TextWriter log, CancellationToken cancellationToken)
    {
        try
        {
            return await runner.RunAsync(run.Job, run.LogicalDate, force, overrides: null, log, cancellationToken);
        }
        catch (Exception e) when (e is UsageException or ContractException)
        {
            return new JobRunResult(run.Job, run.LogicalDate, "", JobRunStatus.PermanentFailure, e.Message, []);
        }
    }

    private RunCompletion Complete(RunRecord record, JobRunResult result)
    {
        var now = clock.GetUtcNow();
        var status = result.Status switch
        {
            JobRunStatus.Published or JobRunStatus.UpToDate => RunStatus.Succeeded,
            JobRunStatus.InputsNotReady => RunStatus.Waiting,
            _ => RunStatus.Failed,
        };
        var policy = options.RetryFor(record.Job);
        var next = result.Status == JobRunStatus.TransientFailure && policy.AllowsRetryAfter(record.Attempt) ? now + policy.DelayAfter(record.Attempt) : (DateTimeOffset?)null;
        var inputs = result.Manifests.SelectMany(m => m.Inputs).Select(Describe).Distinct().ToList();
        var outputs = result.Manifests.Select(m => $"{m.Dataset}/dt={m.Partition}/run={m.RunId}").ToList();
        var deliveries = result.Manifests
            .Select(m => new Delivery(m.Dataset, SnapshotLayout.TryParseDate(m.Partition, out var partition) ? partition : record.Partition, m.RunId, m.CreatedAt))
            .ToList();
        return new RunCompletion(status, now, result.ExitCode, status == RunStatus.Succeeded ? null : result.Message, next,
            result.Manifests.Count > 0 ? result.Manifests[0].RunId : result.RunId.Length > 0 ? result.RunId : null, inputs, outputs, deliveries);
    }

    private static string Describe(InputSnapshot input) => input.Dataset is not null
        ? $"{input.Dataset}/dt={input.Partition}/run={input.RunId}"
        : $"raw:{input.RawPath} ({input.RawFiles?.Count ?? 0} files)";

    private void Renew(long runId)
    {
        try
        {
            store.RenewLease(runId, clock.GetUtcNow() + options.LeaseDuration);
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // A busy or briefly unavailable database: the next renewal, a third of the lease later, tries again.
        }
    }
}
