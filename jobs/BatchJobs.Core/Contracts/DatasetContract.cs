namespace BatchJobs.Core.Contracts;

/// <summary>How a dataset is partitioned by logical date.</summary>
public enum Partitioning
{
    /// <summary>One partition per calendar day (UTC).</summary>
    Daily,

    /// <summary>One partition per ISO week, named by its Monday.</summary>
    Weekly,
}

/// <summary>One column of a dataset's declared schema.</summary>
public sealed record ColumnSpec(string Name, ColumnType Type, bool Nullable);

/// <summary>
/// A dataset the producing job reads: <see cref="WindowDays"/> partitions ending <see cref="OffsetDays"/> days before
/// the logical date (window 1, offset 0 = the date's own partition).
/// </summary>
public sealed record DatasetInput(string Dataset, int WindowDays, int OffsetDays = 0)
{
    /// <summary>The newest date of the window for a logical date.</summary>
    public DateOnly LastDate(DateOnly date) => date.AddDays(-OffsetDays);
}

/// <summary>
/// An external input outside the Golden Datasets, as a path below the root; <c>{date}</c> in it stands for the
/// logical date (<c>YYYY-MM-DD</c>). An optional one may be absent: the job then sees no files, and the lineage and
/// fingerprint record the absence, so the run is recomputed when the input appears, changes or goes away.
/// </summary>
public sealed record RawInput(string Path, bool Optional = false);

/// <summary>The job that produces a dataset and what it reads.</summary>
public sealed record ProducerSpec(string Job, IReadOnlyList<DatasetInput> Inputs, IReadOnlyList<RawInput> RawInputs);

/// <summary>
/// The service level objective of a dataset: when partitions are produced, by when each must be published, how old
/// <c>_LATEST</c> may get, and how long published partitions are kept.
/// </summary>
/// <param name="Schedule">Cron expression (UTC) of when the producing job is due.</param>
/// <param name="Deadline">Offset from the end of the partition's period by which it must be published.</param>
/// <param name="Freshness">Maximum age of the run <c>_LATEST</c> names.</param>
/// <param name="Retention">How long partitions are kept, counted back from the newest partition.</param>
public sealed record SloSpec(string Schedule, TimeSpan Deadline, TimeSpan Freshness, TimeSpan Retention);

/// <summary>Whether a failed check blocks publishing.</summary>
public enum Severity
{
    /// <summary>Blocks publishing: nothing is published and the run fails permanently.</summary>
    Error,

    /// <summary>Reported in the manifest; the snapshot is still published.</summary>
    Warn,
}

/// <summary>
/// A declared quality check. Which of the optional members are set depends on <see cref="Type"/>; the loader
/// validates that the ones a type needs are present.
/// </summary>
public sealed record CheckSpec
{
    public required string Type { get; init; }
    public required Severity Severity { get; init; }
    public IReadOnlyList<string> Columns { get; init; } = [];
    public double? Min { get; init; }
    public double? Max { get; init; }
    public IReadOnlyList<string> Values { get; init; } = [];

    /// <summary>For <c>relationship</c>: the referenced <c>dataset.column</c>.</summary>
    public string? To { get; init; }

    /// <summary>For <c>relative_row_count</c>: the largest accepted relative change against the previous partition.</summary>
    public double? MaxChange { get; init; }

    /// <summary>For <c>covers</c>: the <c>dataset.column</c> whose every value must appear in the checked column.</summary>
    public string? Of { get; init; }

    /// <summary>For <c>vector</c>: the run statistic that holds the expected dimension.</summary>
    public string? Dimension { get; init; }

    /// <summary>
    /// For <c>sql</c>: a query over the views <c>candidate</c> (this run) and <c>previous</c> (the previous published
    /// partition, empty when there is none), and the one-row table <c>job_params</c> (the run's parameters as varchar
    /// columns, e.g. <c>(select cast(max_per_artist as integer) from job_params)</c>), that returns the failing rows; the
    /// check passes when it returns none.
    /// </summary>
    public string? Query { get; init; }

    /// <summary>For <c>sql</c>: what the query asserts, for reports.</summary>
    public string? Description { get; init; }

    /// <summary>For <c>balance</c> and <c>max_ratio</c>: names of run statistics.</summary>
    public string? Total { get; init; }
    public IReadOnlyList<string> Parts { get; init; } = [];
    public string? Numerator { get; init; }
    public string? Denominator { get; init; }

    /// <summary>A short name for reports, e.g. <c>not_null(user_id,track_id)</c>.</summary>
    public string DisplayName => Type == "sql" ? "sql(" + Description + ")" : Type + "(" + string.Join(",", Columns.Count > 0 ? Columns
        : new[] { To, Total, Numerator }.Where(s => s is not null).Cast<string>()) + ")";
}

/// <summary>
/// A Golden Dataset contract, loaded from one YAML file under <c>golden-datasets/</c>: what the dataset is, who
/// produces it from what, its schema and key, its SLO and its quality checks.
/// </summary>
public sealed record DatasetContract
{
    public required string Name { get; init; }
    public required int Version { get; init; }
    public required string Description { get; init; }
    public required string Owner { get; init; }
    public required Partitioning Partitioning { get; init; }
    public required IReadOnlyList<ColumnSpec> Schema { get; init; }
    public required IReadOnlyList<string> PrimaryKey { get; init; }
    public required ProducerSpec Producer { get; init; }
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }
    public required SloSpec Slo { get; init; }
    public required IReadOnlyList<CheckSpec> Checks { get; init; }

    /// <summary>The file the contract was loaded from.</summary>
    public required string SourceFile { get; init; }

    /// <summary>SHA-256 of the contract file, recorded in manifests so a contract change is visible in lineage.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The partition a logical date falls into: the date itself, or the Monday of its week.</summary>
    public DateOnly PartitionOf(DateOnly date) => Partitioning == Partitioning.Daily
        ? date
        : date.AddDays(-(((int)date.DayOfWeek + 6) % 7));
}
