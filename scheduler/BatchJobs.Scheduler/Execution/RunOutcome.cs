using System.Globalization;
using BatchJobs.Scheduler.History;

namespace BatchJobs.Scheduler.Execution;

/// <summary>What happened to one partition in a tick or a backfill.</summary>
public enum RunOutcomeKind
{
    /// <summary>Published, or already published from the same inputs.</summary>
    Succeeded,

    /// <summary>An input was not published yet (exit 20).</summary>
    Waiting,

    /// <summary>Failed; <see cref="RunRecord.NextAttemptAt"/> says whether and when it is retried.</summary>
    Failed,

    /// <summary>Stopped by the operator.</summary>
    Cancelled,

    /// <summary>Not started: another process holds the partition's lease.</summary>
    Leased,

    /// <summary>Not started: the partition's history says not to (already succeeded, backing off, failed for good).</summary>
    Refused,

    /// <summary>Not started: an upstream partition of the same tick or backfill did not succeed.</summary>
    Blocked,
}

/// <summary>The outcome of one partition, with the run as recorded when one was started.</summary>
public sealed record RunOutcome(PartitionRun Run, RunOutcomeKind Kind, string Message, RunRecord? Record = null)
{
    public bool Succeeded => Kind == RunOutcomeKind.Succeeded;

    /// <summary>One line for a log or a terminal.</summary>
    public string Describe()
    {
        if (Record is null) return $"{Run}: {Kind.ToString().ToLowerInvariant()}: {Message}";
        var seconds = ((Record.EndedAt ?? Record.StartedAt) - Record.StartedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        var retry = Kind == RunOutcomeKind.Failed
            ? Record.NextAttemptAt is { } next ? $"; retry {Record.Attempt + 1} at {next:yyyy-MM-dd HH:mm:ss} UTC" : "; not retried"
            : "";
        return $"{Run} run #{Record.Id} attempt {Record.Attempt}: {Kind.ToString().ToLowerInvariant()} (exit {Record.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-"}) in {seconds} s{retry}: {FirstLine(Message)}";
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].TrimEnd('\r');
}
