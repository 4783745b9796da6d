using BatchJobs.Core.Contracts;
using Cronos;

namespace BatchJobs.Scheduler.Dag;

/// <summary>
/// A job as the scheduler sees it: the datasets it produces, the cron it is due on, how its partitions fall and what
/// it reads. Holds the partition calendar that tick, backfill, SLO evaluation and the exports share.
/// </summary>
/// <remarks>
/// <para>The calendar, for a partition <c>P</c> (a day, or the Monday of an ISO week):</para>
/// <list type="bullet">
/// <item><b>period</b>: <c>P</c> 00:00 UTC up to the start of the next period, <c>P+1</c> (daily) or <c>P+7</c>
/// (weekly) 00:00 UTC, when the period's data is complete;</item>
/// <item><b>logical date</b>: the last day of the period (<c>P</c>, or the Sunday <c>P+6</c>), the date the job is run
/// with, so input windows that end at the logical date cover the whole period;</item>
/// <item><b>due</b>: the first occurrence of the schedule (cron, UTC) at or after the start of the next period;</item>
/// <item><b>expected by</b> (per dataset): the start of the next period plus the contract's <c>slo.deadline</c>.</item>
/// </list>
/// <para>Immutable and safe to use from several threads.</para>
/// </remarks>
public sealed class ScheduledJob
{
    private readonly CronExpression cron;

    internal ScheduledJob(string name, IReadOnlyList<DatasetContract> produces, CronExpression cron, int rank, IReadOnlyList<string> upstream)
    {
        Name = name;
        Produces = produces;
        this.cron = cron;
        Rank = rank;
        Upstream = upstream;
    }

    /// <summary>The kebab-case job name contracts use in <c>producer.job</c>.</summary>
    public string Name { get; }

    /// <summary>The contracts of the datasets the job produces, in name order.</summary>
    public IReadOnlyList<DatasetContract> Produces { get; }

    /// <summary>The five-field cron expression (UTC) of when the job is due.</summary>
    public string Schedule => Produces[0].Slo.Schedule;

    public Partitioning Partitioning => Produces[0].Partitioning;

    /// <summary>What the job reads (the loader checks that all its contracts agree).</summary>
    public IReadOnlyList<DatasetInput> Inputs => Produces[0].Producer.Inputs;

    /// <summary>The jobs whose datasets this job reads, in name order.</summary>
    public IReadOnlyList<string> Upstream { get; }

    /// <summary>Position in dependency order: every upstream job has a smaller rank.</summary>
    public int Rank { get; }

    /// <summary>Days in one period: 1 (daily) or 7 (weekly).</summary>
    public int PeriodDays => Partitioning == Partitioning.Weekly ? 7 : 1;

    /// <summary>The partition a date falls into: the date itself, or the Monday of its week.</summary>
    public DateOnly PartitionOf(DateOnly date) => Produces[0].PartitionOf(date);

    /// <summary>The date the job is run with for a partition: the last day of the partition's period.</summary>
    public DateOnly LogicalDate(DateOnly partition) => partition.AddDays(PeriodDays - 1);

    /// <summary>The start of the next period (UTC midnight), when the partition's data is complete.</summary>
    public DateTimeOffset PeriodEnd(DateOnly partition) => new(partition.AddDays(PeriodDays).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>When the partition becomes due: the first schedule occurrence at or after <see cref="PeriodEnd"/>.</summary>
    public DateTimeOffset DueAt(DateOnly partition)
    {
        var next = cron.GetNextOccurrence(PeriodEnd(partition).UtcDateTime, inclusive: true)
            ?? throw new InvalidOperationException($"schedule '{Schedule}' of job '{Name}' has no occurrence after {PeriodEnd(partition):u}");
        return new DateTimeOffset(next, TimeSpan.Zero);
    }

    /// <summary>By when a dataset's partition must be published: <see cref="PeriodEnd"/> plus the contract's deadline.</summary>
    public DateTimeOffset ExpectedBy(DatasetContract dataset, DateOnly partition) => PeriodEnd(partition) + dataset.Slo.Deadline;

    /// <summary>
    /// The partitions from the one holding <paramref name="first"/> on whose due time is at or before
    /// <paramref name="now"/>, oldest first.
    /// </summary>
    public IEnumerable<DateOnly> DuePartitions(DateOnly first, DateTimeOffset now) =>
        LastDuePartition(now) is { } last ? PartitionsBetween(first, last) : [];

    /// <summary>The newest partition due at <paramref name="now"/>, or null when none is.</summary>
    /// <remarks>Due times grow with the partition, so walking back from the current period finds it in a few steps.</remarks>
    public DateOnly? LastDuePartition(DateTimeOffset now)
    {
        var partition = PartitionOf(DateOnly.FromDateTime(now.UtcDateTime));
        // A schedule fires at least once a year (checked at start-up), so a year back is always due.
        for (var steps = 0; steps <= 366 / PeriodDays + 1; steps++, partition = partition.AddDays(-PeriodDays))
            if (DueAt(partition) <= now) return partition;
        return null;
    }

    /// <summary>The partitions whose periods meet the dates <paramref name="from"/> to <paramref name="to"/>, oldest first.</summary>
    public IEnumerable<DateOnly> PartitionsBetween(DateOnly from, DateOnly to)
    {
        for (var partition = PartitionOf(from); partition <= to; partition = partition.AddDays(PeriodDays))
            yield return partition;
    }

    public override string ToString() => Name;
}
