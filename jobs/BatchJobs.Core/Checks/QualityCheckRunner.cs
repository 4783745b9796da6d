using System.Globalization;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Engine;
using BatchJobs.Core.Snapshots;
using BatchJobs.Core.Tables;

namespace BatchJobs.Core.Checks;

/// <summary>
/// Runs a contract's checks over a staged run's Parquet files with DuckDB, plus the built-in schema check (the files
/// have exactly the contract's columns and portable types). Set-based, so it runs at the speed of the engine.
/// </summary>
public sealed class QualityCheckRunner(SnapshotReader reader, ContractCatalog catalog)
{
    /// <param name="contract">The contract whose checks run.</param>
    /// <param name="partition">The partition being published.</param>
    /// <param name="files">The staged Parquet files.</param>
    /// <param name="statistics">The run's named counts, for balance and ratio checks.</param>
    /// <param name="publishedTogether">Files of datasets staged in the same publish: a relationship into one of them
    /// is checked against these rather than the published store.</param>
    /// <param name="parameters">The run's job parameters, which sql checks read from the one-row table
    /// <c>job_params</c> (one varchar column per parameter), so a check follows a <c>--param</c> override.</param>
    /// <param name="cancellationToken">Stops between checks.</param>
    public async Task<IReadOnlyList<CheckResult>> RunAsync(DatasetContract contract, DateOnly partition, IReadOnlyList<string> files,
        IReadOnlyDictionary<string, double> statistics, IReadOnlyDictionary<string, IReadOnlyList<string>> publishedTogether,
        IReadOnlyDictionary<string, string>? parameters = null, CancellationToken cancellationToken = default)
    {
        var results = new List<CheckResult> { await SchemaAsync(contract, files, cancellationToken) };
        if (results[0].Status == CheckStatus.Failed) return results;
        using var db = new DuckDbSession();
        db.CreateParquetView("candidate", files);
        if (parameters is { Count: > 0 }) BindParameters(db, parameters);
        foreach (var check in contract.Checks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (passed, detail) = check.Type switch
            {
                "row_count" => RowCount(db, check),
                "not_null" => NotNull(db, check, files),
                "unique" => Unique(db, check),
                "accepted_values" => AcceptedValues(db, check),
                "range" => Range(db, contract, check),
                "relationship" => Relationship(db, contract, partition, check, publishedTogether),
                "relative_row_count" => RelativeRowCount(db, contract, partition, check),
                "balance" => Balance(statistics, check),
                "max_ratio" => MaxRatio(statistics, check),
                "vector" => Vector(db, statistics, check),
                "covers" => Covers(db, contract, partition, check, publishedTogether),
                "sql" => Sql(db, contract, partition, check),
                _ => throw new InvalidOperationException($"check type '{check.Type}' passed contract validation but has no implementation"),
            };
            results.Add(new CheckResult(check.DisplayName, check.Type, check.Severity, passed ? CheckStatus.Passed : CheckStatus.Failed, detail));
        }
        return results;
    }

    private static async Task<CheckResult> SchemaAsync(DatasetContract contract, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        foreach (var file in files)
        {
            var actual = await ParquetSchemas.ReadAsync(file, cancellationToken);
            var expected = contract.Schema.Select(c => (c.Name, (ColumnType?)c.Type)).ToList();
            if (!actual.SequenceEqual(expected))
            {
                string Show(IEnumerable<(string Name, ColumnType? Type)> columns) => string.Join(", ", columns.Select(c => $"{c.Name}:{c.Type?.ToName() ?? "non-portable"}"));
                return new CheckResult("schema", "schema", Severity.Error, CheckStatus.Failed,
                    $"{Path.GetFileName(file)} has columns [{Show(actual)}] but the contract declares [{Show(expected)}]");
            }
        }
        return new CheckResult("schema", "schema", Severity.Error, CheckStatus.Passed, $"{contract.Schema.Count} columns as declared");
    }

    /// <summary>The run's parameters as <c>job_params</c>: the values are bound, never spliced into the SQL.</summary>
    private static void BindParameters(DuckDbSession db, IReadOnlyDictionary<string, string> parameters)
    {
        var ordered = parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        db.Execute($"create or replace temp table job_params ({string.Join(", ", ordered.Select(p => DuckDbSession.Quote(p.Key) + " varchar"))})");
        db.Execute($"insert into job_params values ({string.Join(", ", ordered.Select((_, i) => $"${i + 1}"))})", ordered.Select(p => (object?)p.Value).ToArray());
    }

    private static (bool, string) RowCount(DuckDbSession db, CheckSpec check)
    {
        var rows = Convert.ToInt64(db.Scalar("select count(*) from candidate"), CultureInfo.InvariantCulture);
        var passed = (check.Min is null || rows >= check.Min) && (check.Max is null || rows <= check.Max);
        return (passed, $"{rows} rows (expected {Bounds(check.Min, check.Max)})");
    }

    /// <summary>
    /// Null counts come from the Parquet footers' column statistics, which every writer we use records; a column with a
    /// row group whose statistics lack the count is scanned instead.
    /// </summary>
    private static (bool, string) NotNull(DuckDbSession db, CheckSpec check, IReadOnlyList<string> files)
    {
        var fromFooters = db.Query($"select path_in_schema, cast(sum(stats_null_count) as bigint), count(*) filter (where stats_null_count is null) from parquet_metadata({DuckDbSession.FileList(files)}) group by path_in_schema")
            .ToDictionary(r => (string)r[0]!, r => Convert.ToInt64(r[2], CultureInfo.InvariantCulture) == 0 ? Convert.ToInt64(r[1] ?? 0L, CultureInfo.InvariantCulture) : (long?)null);
        var counts = check.Columns.Select(c => (Column: c, Nulls: fromFooters.GetValueOrDefault(c)
            ?? Convert.ToInt64(db.Scalar($"select count(*) from candidate where {DuckDbSession.Quote(c)} is null"), CultureInfo.InvariantCulture))).ToList();
        var failing = counts.Where(c => c.Nulls > 0).ToList();
        return failing.Count == 0 ? (true, "no nulls") : (false, string.Join("; ", failing.Select(f => $"{f.Nulls} null {f.Column}")));
    }

    private static (bool, string) Unique(DuckDbSession db, CheckSpec check)
    {
        var columns = string.Join(", ", check.Columns.Select(DuckDbSession.Quote));
        // Equal keys have equal 64-bit hashes, so with no hash repeated the key is unique. Repeats are counted by sorting the
        // hashes and comparing neighbours: DuckDB's sort beat its hash aggregate (count distinct, itself several times
        // faster than grouping on the string columns) at 315 against 560 ms on 3.4M affinity keys and 77 against 97 ms on
        // a 773k-row day of events (medians of 10), and swung less. Only when hashes repeat are those keys compared
        // exactly, and an example key is rendered only when there is a duplicate to show.
        var repeatedHashes = Convert.ToInt64(
            db.Scalar($"select count(*) filter (where h = previous) from (select h, lag(h) over (order by h) as previous from (select hash({columns}) as h from candidate))"),
            CultureInfo.InvariantCulture);
        var duplicates = repeatedHashes == 0 ? 0
            : Convert.ToInt64(db.Scalar($"select count(*) from (select 1 from candidate where hash({columns}) in (select hash({columns}) from candidate group by 1 having count(*) > 1) group by {columns} having count(*) > 1)"),
                CultureInfo.InvariantCulture);
        if (duplicates == 0) return (true, "unique");
        var example = db.Scalar($"select concat_ws('|', {columns}) from candidate group by {columns} having count(*) > 1 limit 1");
        return (false, $"{duplicates} duplicated keys, e.g. {example}");
    }

    private static (bool, string) AcceptedValues(DuckDbSession db, CheckSpec check)
    {
        db.Execute("create or replace temp table accepted_values (value varchar)");
        foreach (var value in check.Values) db.Execute("insert into accepted_values values ($1)", value);
        var column = DuckDbSession.Quote(check.Columns[0]);
        var rows = db.Query($"select count(*), any_value(cast({column} as varchar)) from candidate where {column} is not null and cast({column} as varchar) not in (select value from accepted_values)");
        var bad = Convert.ToInt64(rows[0][0], CultureInfo.InvariantCulture);
        return bad == 0 ? (true, "all values accepted") : (false, $"{bad} rows with values outside [{string.Join(", ", check.Values)}], e.g. '{rows[0][1]}'");
    }

    private static (bool, string) Range(DuckDbSession db, DatasetContract contract, CheckSpec check)
    {
        var column = DuckDbSession.Quote(check.Columns[0]);
        var type = contract.Schema.First(c => c.Name == check.Columns[0]).Type;
        var nan = type is ColumnType.Float or ColumnType.Double ? $"isnan({column}) or " : "";
        // NaN sorts above every number in DuckDB, and 'x <> x' catches it where no max is given.
        var rows = db.Query($"select count(*), min({column}), max({column}) from candidate where {nan}($1 is not null and {column} < $1) or ($2 is not null and {column} > $2)",
            check.Min, check.Max);
        var bad = Convert.ToInt64(rows[0][0], CultureInfo.InvariantCulture);
        return bad == 0 ? (true, $"all within {Bounds(check.Min, check.Max)}") : (false, $"{bad} rows outside {Bounds(check.Min, check.Max)} (min {rows[0][1]}, max {rows[0][2]})");
    }

    private (bool, string) Relationship(DuckDbSession db, DatasetContract contract, DateOnly partition, CheckSpec check,
        IReadOnlyDictionary<string, IReadOnlyList<string>> publishedTogether)
    {
        var parts = check.To!.Split('.');
        var target = catalog.Get(parts[0]);
        string against;
        if (publishedTogether.TryGetValue(target.Name, out var stagedFiles))
        {
            db.CreateParquetView("relationship_target", stagedFiles);
            against = "the run published with it";
        }
        else
        {
            var snapshot = target.Partitioning == contract.Partitioning ? reader.TryResolve(target.Name, partition) : reader.TryResolveLatest(target.Name);
            if (snapshot is null) return (false, $"{target.Name} has no published snapshot for {SnapshotLayout.FormatDate(partition)} to check against; publish it first");
            db.CreateParquetView("relationship_target", snapshot.FilePaths);
            against = "run " + snapshot.RunId;
        }
        var column = DuckDbSession.Quote(check.Columns[0]);
        var rows = db.Query($"select count(*), any_value({column}) from candidate c where {column} is not null and not exists (select 1 from relationship_target t where t.{DuckDbSession.Quote(parts[1])} = c.{column})");
        var orphans = Convert.ToInt64(rows[0][0], CultureInfo.InvariantCulture);
        return orphans == 0
            ? (true, $"every {check.Columns[0]} found in {check.To} ({against})")
            : (false, $"{orphans} rows whose {check.Columns[0]} is not in {check.To} ({against}), e.g. '{rows[0][1]}'");
    }

    private (bool, string) RelativeRowCount(DuckDbSession db, DatasetContract contract, DateOnly partition, CheckSpec check)
    {
        var previous = reader.PublishedPartitions(contract.Name).Where(p => p < partition).Select(p => reader.TryResolve(contract.Name, p)).LastOrDefault();
        var rows = Convert.ToInt64(db.Scalar("select count(*) from candidate"), CultureInfo.InvariantCulture);
        if (previous is null) return (true, $"{rows} rows; no previous partition to compare with");
        var before = previous.Manifest.RowCount;
        var change = before == 0 ? (rows == 0 ? 0 : double.PositiveInfinity) : Math.Abs(rows - before) / (double)before;
        return (change <= check.MaxChange, $"{rows} rows against {before} in {previous.Manifest.Partition}: change {change:P1} (max {check.MaxChange:P0})");
    }

    private static (bool, string) Vector(DuckDbSession db, IReadOnlyDictionary<string, double> statistics, CheckSpec check)
    {
        if (!statistics.TryGetValue(check.Dimension!, out var dimension)) return (false, $"the run did not record {check.Dimension}");
        var column = DuckDbSession.Quote(check.Columns[0]);
        // A NaN or an infinity anywhere in a vector makes its sum non-finite.
        var rows = db.Query($"select count(*) filter (where {column} is null or len({column}) <> $1), count(*) filter (where not isfinite(list_sum({column}))) from candidate", (long)dimension);
        var wrongLength = Convert.ToInt64(rows[0][0], CultureInfo.InvariantCulture);
        var nonFinite = Convert.ToInt64(rows[0][1], CultureInfo.InvariantCulture);
        return wrongLength == 0 && nonFinite == 0
            ? (true, $"every vector has {dimension} finite values")
            : (false, $"{wrongLength} vectors without {dimension} values, {nonFinite} with a NaN or infinity");
    }

    private (bool, string) Covers(DuckDbSession db, DatasetContract contract, DateOnly partition, CheckSpec check,
        IReadOnlyDictionary<string, IReadOnlyList<string>> publishedTogether)
    {
        var parts = check.Of!.Split('.');
        var source = catalog.Get(parts[0]);
        if (!publishedTogether.TryGetValue(source.Name, out var files))
        {
            var snapshot = reader.TryResolve(source.Name, source.PartitionOf(partition));
            if (snapshot is null) return (false, $"{source.Name} has no published snapshot for {SnapshotLayout.FormatDate(partition)} to check against");
            files = snapshot.FilePaths;
        }
        db.CreateParquetView("covers_source", files);
        var column = DuckDbSession.Quote(check.Columns[0]);
        var rows = db.Query($"select count(distinct s.{DuckDbSession.Quote(parts[1])}), any_value(s.{DuckDbSession.Quote(parts[1])}) from covers_source s where s.{DuckDbSession.Quote(parts[1])} is not null and not exists (select 1 from candidate c where c.{column} = s.{DuckDbSession.Quote(parts[1])})");
        var missing = Convert.ToInt64(rows[0][0], CultureInfo.InvariantCulture);
        return missing == 0 ? (true, $"every {check.Of} has a row") : (false, $"{missing} values of {check.Of} have no row, e.g. '{rows[0][1]}'");
    }

    private (bool, string) Sql(DuckDbSession db, DatasetContract contract, DateOnly partition, CheckSpec check)
    {
        var previous = reader.PublishedPartitions(contract.Name).Where(p => p < partition).Select(p => reader.TryResolve(contract.Name, p)).LastOrDefault();
        if (previous is not null) db.CreateParquetView("previous", previous.FilePaths);
        else db.Execute("create or replace temp view previous as select * from candidate where false");
        var rows = db.Query($"select count(*) from ({check.Query})");
        var failing = Convert.ToInt64(rows[0][0], CultureInfo.InvariantCulture);
        return failing == 0
            ? (true, check.Description + (previous is null ? " (no previous partition)" : $" (previous: {previous.Manifest.Partition})"))
            : (false, $"{failing} rows break it: {check.Description}");
    }

    private static (bool, string) Balance(IReadOnlyDictionary<string, double> statistics, CheckSpec check)
    {
        var missing = check.Parts.Append(check.Total!).Where(s => !statistics.ContainsKey(s)).ToList();
        if (missing.Count > 0) return (false, $"the run did not record {string.Join(", ", missing)}");
        var total = statistics[check.Total!];
        var sum = check.Parts.Sum(p => statistics[p]);
        var equation = $"{check.Total} {total} {(total == sum ? "=" : "≠")} {string.Join(" + ", check.Parts.Select(p => $"{p} {statistics[p]}"))}";
        return (total == sum, equation);
    }

    private static (bool, string) MaxRatio(IReadOnlyDictionary<string, double> statistics, CheckSpec check)
    {
        if (!statistics.TryGetValue(check.Numerator!, out var numerator) || !statistics.TryGetValue(check.Denominator!, out var denominator))
            return (false, $"the run did not record {check.Numerator} and {check.Denominator}");
        var ratio = denominator == 0 ? 0 : numerator / denominator;
        return (ratio <= check.Max, $"{check.Numerator}/{check.Denominator} = {ratio:P2} (max {check.Max:P2})");
    }

    private static string Bounds(double? min, double? max) => (min, max) switch
    {
        (not null, not null) => $"{min}..{max}",
        (not null, null) => $">= {min}",
        (null, not null) => $"<= {max}",
        _ => "any",
    };
}
