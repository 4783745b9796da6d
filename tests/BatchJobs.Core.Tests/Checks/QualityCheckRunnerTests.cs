using BatchJobs.Core.Checks;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Engine;
using BatchJobs.Core.Snapshots;
using BatchJobs.Core.Tests.Support;

namespace BatchJobs.Core.Tests.Checks;

public class QualityCheckRunnerTests : StoreTest
{
    private static readonly DateOnly Day = new(2026, 11, 2);
    private static readonly string[] PlayColumns = ["user_id string?", "track_id string", "plays int64", "score double", "platform string?"];
    private static readonly DatasetContract Tracks = TestContracts.Parse(TestContracts.Yaml("tracks", ["track_id string"], job: "load-tracks"));

    private sealed record Play(string? User, string Track, long Plays, double Score, string? Platform = "ios");

    private static readonly Play[] GoodPlays =
    [
        new("u1", "t1", 3, 0.5),
        new("u1", "t2", 1, 0.0),
        new("u2", "t1", 7, 1.0, "web"),
        new("u3", "t3", 2, 0.25, null),
    ];

    private static DatasetContract PlaysWith(params string[] checks) =>
        TestContracts.Parse(TestContracts.Yaml("plays", PlayColumns, checks, job: "count-plays"));

    private static ContractCatalog Catalog(DatasetContract contract) => new(new[] { contract, Tracks }.DistinctBy(c => c.Name).ToList());

    private async Task<string> WritePlaysAsync(IEnumerable<Play> plays, string name = "candidate.parquet")
    {
        var rows = plays.ToList();
        return await TestTables.WriteAsync(temp.File("staged", name), PlaysWith().Schema,
            rows.Select(p => p.User).ToArray(), rows.Select(p => p.Track).ToArray(), rows.Select(p => p.Plays).ToArray(),
            rows.Select(p => p.Score).ToArray(), rows.Select(p => p.Platform).ToArray());
    }

    private async Task<IReadOnlyList<CheckResult>> RunAsync(DatasetContract contract, IReadOnlyList<string> files, IReadOnlyDictionary<string, double>? statistics = null,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? together = null, DateOnly? partition = null, IReadOnlyDictionary<string, string>? parameters = null)
    {
        var runner = new QualityCheckRunner(reader, Catalog(contract));
        var results = await runner.RunAsync(contract, partition ?? Day, files, statistics ?? new Dictionary<string, double>(),
            together ?? new Dictionary<string, IReadOnlyList<string>>(), parameters);
        foreach (var result in results) TestContext.Out.WriteLine($"{result.Name}: {result.Status}: {result.Detail}");
        return results;
    }

    /// <summary>Runs one check over the given rows; returns its result (the schema check comes first and must pass).</summary>
    private async Task<CheckResult> CheckAsync(string check, IEnumerable<Play> plays, IReadOnlyDictionary<string, double>? statistics = null,
        IReadOnlyDictionary<string, string>? parameters = null)
    {
        var results = await RunAsync(PlaysWith(check), [await WritePlaysAsync(plays)], statistics, parameters: parameters);
        Assert.That(results, Has.Count.EqualTo(2));
        Assert.That(results[0].Status, Is.EqualTo(CheckStatus.Passed), results[0].Detail);
        return results[1];
    }

    private static void AssertPassed(CheckResult result) =>
        Assert.That(result.Status, Is.EqualTo(CheckStatus.Passed), result.Detail);

    private static void AssertFailed(CheckResult result, params string[] detail)
    {
        Assert.That(result.Status, Is.EqualTo(CheckStatus.Failed), result.Detail);
        foreach (var phrase in detail) Assert.That(result.Detail, Does.Contain(phrase));
    }

    private async Task PublishAsync(DatasetContract contract, DateOnly partition, string runId, Func<string, Task> write)
    {
        var publisher = new SnapshotPublisher(layout, new QualityCheckRunner(reader, Catalog(contract)), new SteppingClock());
        var staged = publisher.Stage(contract, partition, runId);
        await write(staged.FilePath("part-00000.parquet"));
        await publisher.PublishAsync([staged], new RunInfo("test-job", runId, "test", "fingerprint", new Dictionary<string, string>(), []));
    }

    private Task PublishTracksAsync(DateOnly partition, params string[] ids) =>
        PublishAsync(Tracks, partition, "20261101T000000000Z-tracks", path => TestTables.WriteAsync(path, Tracks.Schema, ids));

    private Task PublishPlaysAsync(DateOnly partition, int rows) =>
        PublishAsync(PlaysWith(), partition, "20261101T000000000Z-plays", async path =>
        {
            var file = await WritePlaysAsync(Enumerable.Range(0, rows).Select(i => new Play("u" + i, "t1", 1, 0.5)), $"previous-{partition}.parquet");
            File.Move(file, path);
        });

    [Test]
    public async Task TheSchemaCheckComesFirstAndPassesForTheDeclaredColumns()
    {
        var results = await RunAsync(PlaysWith(), [await WritePlaysAsync(GoodPlays)]);
        Assert.That(results.Single().Name, Is.EqualTo("schema"));
        AssertPassed(results[0]);
        Assert.That(results[0].Detail, Is.EqualTo("5 columns as declared"));
    }

    [Test]
    public async Task TheSchemaCheckFailsOnAWrongColumnTypeAndBlocks()
    {
        var wrong = PlaysWith().Schema.Select(c => c.Name == "plays" ? c with { Type = ColumnType.Int32 } : c).ToList();
        var file = await TestTables.WriteAsync(temp.File("staged", "part-00000.parquet"), wrong,
            new string?[] { "u1" }, new[] { "t1" }, new[] { 3 }, new[] { 0.5 }, new string?[] { "ios" });

        var results = await RunAsync(PlaysWith("type: row_count, min: 1"), [file]);

        Assert.That(results, Has.Count.EqualTo(1), "no other check runs on a file of the wrong shape");
        AssertFailed(results[0], "part-00000.parquet has columns [user_id:string, track_id:string, plays:int32, score:double, platform:string]",
            "the contract declares [user_id:string, track_id:string, plays:int64, score:double, platform:string]");
        Assert.That(results[0].Blocks, Is.True);
    }

    [Test]
    public async Task TheSchemaCheckFailsOnColumnsInAnotherOrder()
    {
        var columns = PlaysWith().Schema;
        var swapped = new[] { columns[1], columns[0], columns[2], columns[3], columns[4] };
        var file = await TestTables.WriteAsync(temp.File("staged", "part-00000.parquet"), swapped,
            new[] { "t1" }, new string?[] { "u1" }, new[] { 3L }, new[] { 0.5 }, new string?[] { "ios" });

        var results = await RunAsync(PlaysWith(), [file]);

        AssertFailed(results.Single(), "has columns [track_id:string, user_id:string,");
    }

    [Test]
    public async Task TheSchemaCheckFailsOnAMissingColumnInAnyFile()
    {
        var good = await WritePlaysAsync(GoodPlays, "part-00000.parquet");
        var partial = await TestTables.WriteAsync(temp.File("staged", "part-00001.parquet"), PlaysWith().Schema.Take(4).ToList(),
            new string?[] { "u1" }, new[] { "t1" }, new[] { 3L }, new[] { 0.5 });

        var results = await RunAsync(PlaysWith(), [good, partial]);

        AssertFailed(results.Single(), "part-00001.parquet has columns [user_id:string, track_id:string, plays:int64, score:double]");
    }

    [Test]
    public async Task TheSchemaCheckNamesANonPortableType()
    {
        var file = temp.File("staged", "part-00000.parquet");
        using (var db = new DuckDbSession())
            db.CopyToParquet("select 'u1' as user_id, 't1' as track_id, 3::tinyint as plays, 0.5::double as score, 'ios' as platform", file);

        var results = await RunAsync(PlaysWith(), [file]);

        AssertFailed(results.Single(), "plays:non-portable");
    }

    [Test]
    public async Task RowCountPassesWithinItsBounds() =>
        AssertPassed(await CheckAsync("type: row_count, min: 4, max: 4", GoodPlays));

    [Test]
    public async Task RowCountFailsBelowItsMinimum() =>
        AssertFailed(await CheckAsync("type: row_count, min: 5", GoodPlays), "4 rows (expected >= 5)");

    [Test]
    public async Task RowCountFailsAboveItsMaximum() =>
        AssertFailed(await CheckAsync("type: row_count, max: 3", GoodPlays), "4 rows (expected <= 3)");

    [Test]
    public async Task RowCountFailsOnAnEmptyRun() =>
        AssertFailed(await CheckAsync("type: row_count, min: 1", []), "0 rows (expected >= 1)");

    [Test]
    public async Task NotNullPasses() =>
        AssertPassed(await CheckAsync("type: not_null, columns: [user_id, track_id]", GoodPlays));

    [Test]
    public async Task NotNullFailsAndCountsNullsPerColumn()
    {
        var result = await CheckAsync("type: not_null, columns: [user_id, platform]", GoodPlays.Append(new Play(null, "t9", 1, 0, null)));
        AssertFailed(result, "1 null user_id; 2 null platform");
        Assert.That(result.Name, Is.EqualTo("not_null(user_id,platform)"));
        Assert.That(result.Blocks, Is.True);
    }

    [Test]
    public async Task UniquePassesOnACompositeKey() =>
        AssertPassed(await CheckAsync("type: unique, columns: [user_id, track_id]", GoodPlays));

    [Test]
    public async Task UniqueFailsWithAnExampleKey() =>
        AssertFailed(await CheckAsync("type: unique, columns: [user_id, track_id]", GoodPlays.Append(new Play("u2", "t1", 9, 0.1))),
            "1 duplicated keys, e.g. u2|t1");

    [TestCase(false, true)]
    [TestCase(true, false)]
    public async Task UniqueCountsRepeatsAmongManyRowsAcrossFiles(bool repeatOneKey, bool passes)
    {
        // Enough rows that the engine sorts the key hashes on several threads; the repeated key sits far from its twin.
        var first = await WritePlaysAsync(Enumerable.Range(0, 150_000).Select(i => new Play("u" + i, "t" + i % 7, 1, 0.5)), "part-00000.parquet");
        var second = await WritePlaysAsync(Enumerable.Range(150_000, 150_000).Select(i => new Play("u" + i, "t" + i % 7, 1, 0.5))
            .Concat(repeatOneKey ? [new Play("u77777", "t" + 77777 % 7, 2, 0.5)] : []), "part-00001.parquet");
        var results = await RunAsync(PlaysWith("type: unique, columns: [user_id, track_id]"), [first, second]);
        if (passes) AssertPassed(results[1]);
        else AssertFailed(results[1], $"1 duplicated keys, e.g. u77777|t{77777 % 7}");
    }

    [Test]
    public async Task UniqueFailsWhenOneColumnRepeats() =>
        AssertFailed(await CheckAsync("type: unique, columns: [user_id]", GoodPlays), "1 duplicated keys, e.g. u1");

    [Test]
    public async Task AcceptedValuesPassesAndIgnoresNulls() =>
        AssertPassed(await CheckAsync("type: accepted_values, column: platform, values: [ios, web]", GoodPlays));

    [Test]
    public async Task AcceptedValuesFailsWithAnExample() =>
        AssertFailed(await CheckAsync("type: accepted_values, column: platform, values: [ios]", GoodPlays), "1 rows with values outside [ios], e.g. 'web'");

    [Test]
    public async Task AcceptedValuesTakesValuesAsDataNotSql() =>
        AssertPassed(await CheckAsync("type: accepted_values, column: platform, values: [\"it's'); drop table candidate; --\", ios, web]", GoodPlays));

    [Test]
    public async Task RangePassesOnItsBoundsInclusive() =>
        AssertPassed(await CheckAsync("type: range, column: plays, min: 1, max: 7", GoodPlays));

    [Test]
    public async Task RangeFailsBelowItsMinimum() =>
        AssertFailed(await CheckAsync("type: range, column: score, min: 0.1", GoodPlays), "1 rows outside >= 0.1 (min 0, max 0)");

    [Test]
    public async Task RangeFailsAboveItsMaximum() =>
        AssertFailed(await CheckAsync("type: range, column: plays, max: 5", GoodPlays), "1 rows outside <= 5 (min 7, max 7)");

    // NaN is out of every range: an affinity or a factor of NaN poisons everything trained on it. Core's writer leaves NaN
    // out of the Parquet column statistics, so an engine that prunes row groups by them never sees it through '<' or '>';
    // and DuckDB holds NaN = NaN, so 'x <> x' does not catch it either.
    [Test]
    public async Task RangeFailsOnNaNWithBothBounds() =>
        AssertFailed(await CheckAsync("type: range, column: score, min: 0, max: 1", GoodPlays.Append(new Play("u4", "t1", 1, double.NaN))), "1 rows outside 0..1");

    [Test]
    public async Task RangeFailsOnNaNWithOnlyAMinimum() =>
        AssertFailed(await CheckAsync("type: range, column: score, min: 0", GoodPlays.Append(new Play("u4", "t1", 1, double.NaN))), "1 rows outside >= 0");

    [Test]
    public async Task RangeFailsOnNaNWithOnlyAMaximum() =>
        AssertFailed(await CheckAsync("type: range, column: score, max: 1", GoodPlays.Append(new Play("u4", "t1", 1, double.NaN))), "1 rows outside <= 1");

    [Test]
    public async Task RelationshipPassesAgainstThePublishedSnapshotOfTheSameDate()
    {
        await PublishTracksAsync(Day, "t1", "t2", "t3");
        var result = await CheckAsync("type: relationship, column: track_id, to: tracks.track_id", GoodPlays);
        AssertPassed(result);
        Assert.That(result.Detail, Does.Contain("every track_id found in tracks.track_id (run 20261101T000000000Z-tracks)"));
    }

    [Test]
    public async Task RelationshipFailsWithAnOrphanExample()
    {
        await PublishTracksAsync(Day, "t1", "t2");
        var result = await CheckAsync("type: relationship, column: track_id, to: tracks.track_id", GoodPlays);
        AssertFailed(result, "1 rows whose track_id is not in tracks.track_id (run 20261101T000000000Z-tracks), e.g. 't3'");
    }

    [Test]
    public async Task RelationshipFailsWhenTheTargetIsNotPublishedForTheDate()
    {
        await PublishTracksAsync(Day.AddDays(-1), "t1", "t2", "t3");
        var result = await CheckAsync("type: relationship, column: track_id, to: tracks.track_id", GoodPlays);
        AssertFailed(result, "tracks has no published snapshot for 2026-11-02", "publish it first");
    }

    [Test]
    public async Task RelationshipChecksAgainstFilesPublishedTogetherRatherThanTheStore()
    {
        await PublishTracksAsync(Day, "t1");
        var staged = await TestTables.WriteAsync(temp.File("staged-tracks", "part-00000.parquet"), Tracks.Schema, new[] { "t1", "t2", "t3" });
        var contract = PlaysWith("type: relationship, column: track_id, to: tracks.track_id");
        var plays = await WritePlaysAsync(GoodPlays);

        var results = await RunAsync(contract, [plays], together: new Dictionary<string, IReadOnlyList<string>> { ["tracks"] = [staged], ["plays"] = [plays] });

        AssertPassed(results[1]);
        Assert.That(results[1].Detail, Does.Contain("the run published with it"));
    }

    [Test]
    public async Task RelationshipAgainstFilesPublishedTogetherFails()
    {
        var staged = await TestTables.WriteAsync(temp.File("staged-tracks", "part-00000.parquet"), Tracks.Schema, new[] { "t1", "t2" });
        var plays = await WritePlaysAsync(GoodPlays);

        var results = await RunAsync(PlaysWith("type: relationship, column: track_id, to: tracks.track_id"), [plays],
            together: new Dictionary<string, IReadOnlyList<string>> { ["tracks"] = [staged] });

        AssertFailed(results[1], "1 rows whose track_id is not in tracks.track_id (the run published with it), e.g. 't3'");
    }

    [Test]
    public async Task RelativeRowCountPassesWithoutAPreviousPartition()
    {
        var result = await CheckAsync("type: relative_row_count, max_change: 0.1, severity: warn", GoodPlays);
        AssertPassed(result);
        Assert.That(result.Detail, Is.EqualTo("4 rows; no previous partition to compare with"));
    }

    [Test]
    public async Task RelativeRowCountPassesWithinItsChange()
    {
        await PublishPlaysAsync(Day.AddDays(-3), 100);
        await PublishPlaysAsync(Day.AddDays(-2), 5);
        var result = await CheckAsync("type: relative_row_count, max_change: 0.2, severity: warn", GoodPlays);
        AssertPassed(result);
        Assert.That(result.Detail, Does.Contain("4 rows against 5 in 2026-10-31"));
    }

    [Test]
    public async Task RelativeRowCountFailsOnALargeChangeAndComparesWithTheNearestEarlierPartition()
    {
        await PublishPlaysAsync(Day.AddDays(-2), 4);
        await PublishPlaysAsync(Day.AddDays(-1), 10);
        await PublishPlaysAsync(Day.AddDays(1), 4);
        var result = await CheckAsync("type: relative_row_count, max_change: 0.5, severity: warn", GoodPlays);
        AssertFailed(result, "4 rows against 10 in 2026-11-01");
        Assert.That(result.Severity, Is.EqualTo(Severity.Warn));
        Assert.That(result.Blocks, Is.False, "a warn check is reported, not blocking");
    }

    [Test]
    public async Task RelativeRowCountFailsWhenThePreviousPartitionWasEmpty()
    {
        await PublishPlaysAsync(Day.AddDays(-1), 0);
        AssertFailed(await CheckAsync("type: relative_row_count, max_change: 10", GoodPlays), "4 rows against 0 in 2026-11-01");
    }

    private static readonly Dictionary<string, double> Counts = new()
    {
        ["input_rows"] = 100, ["accepted_rows"] = 90, ["duplicate_rows"] = 4, ["rejected_rows"] = 6,
    };

    [Test]
    public async Task BalancePassesWhenThePartsAddUp()
    {
        var result = await CheckAsync("type: balance, total: input_rows, parts: [accepted_rows, duplicate_rows, rejected_rows]", GoodPlays, Counts);
        AssertPassed(result);
        Assert.That(result.Detail, Is.EqualTo("input_rows 100 = accepted_rows 90 + duplicate_rows 4 + rejected_rows 6"));
    }

    [Test]
    public async Task BalanceFailsWhenARowIsLost() =>
        AssertFailed(await CheckAsync("type: balance, total: input_rows, parts: [accepted_rows, duplicate_rows, rejected_rows]", GoodPlays,
            new Dictionary<string, double>(Counts) { ["accepted_rows"] = 89 }), "input_rows 100 ≠ accepted_rows 89 + duplicate_rows 4 + rejected_rows 6");

    [Test]
    public async Task BalanceFailsWhenTheRunDidNotRecordAStatistic() =>
        AssertFailed(await CheckAsync("type: balance, total: input_rows, parts: [accepted_rows, lost_rows]", GoodPlays, Counts), "the run did not record lost_rows");

    [Test]
    public async Task MaxRatioPassesAtItsLimit() =>
        AssertPassed(await CheckAsync("type: max_ratio, numerator: rejected_rows, denominator: input_rows, max: 0.06", GoodPlays, Counts));

    [Test]
    public async Task MaxRatioFailsAboveItsLimit() =>
        AssertFailed(await CheckAsync("type: max_ratio, numerator: rejected_rows, denominator: input_rows, max: 0.05", GoodPlays, Counts),
            "rejected_rows/input_rows = 6.00", "(max 5.00");

    [Test]
    public async Task MaxRatioFailsWhenTheRunDidNotRecordItsStatistics() =>
        AssertFailed(await CheckAsync("type: max_ratio, numerator: rejected_rows, denominator: event_rows, max: 0.05", GoodPlays, Counts),
            "the run did not record rejected_rows and event_rows");

    [Test]
    public async Task MaxRatioOfAnEmptyDenominatorIsZero() =>
        AssertPassed(await CheckAsync("type: max_ratio, numerator: rejected_rows, denominator: input_rows, max: 0.05", GoodPlays,
            new Dictionary<string, double> { ["rejected_rows"] = 0, ["input_rows"] = 0 }));

    private const string AtMostMaxRowsPerUser =
        "type: sql, description: at most max_rows rows per user, query: \"select user_id from candidate group by user_id having count(*) > (select cast(max_rows as integer) from job_params)\"";

    [Test]
    public async Task ASqlCheckPassesWhenItsQueryReturnsNoRow() =>
        AssertPassed(await CheckAsync("type: sql, description: scores within 0..1, query: \"select * from candidate where score < 0 or score > 1\"", GoodPlays));

    [Test]
    public async Task ASqlCheckFailsWithTheCountOfRowsItsQueryReturns() =>
        AssertFailed(await CheckAsync("type: sql, description: scores below 1, query: \"select * from candidate where score >= 1\"", GoodPlays),
            "1 rows break it: scores below 1");

    [Test]
    public async Task ASqlCheckReadsTheRunsParametersFromJobParams()
    {
        // u1 has two rows.
        AssertPassed(await CheckAsync(AtMostMaxRowsPerUser, GoodPlays, parameters: new Dictionary<string, string> { ["max_rows"] = "2", ["label"] = "x" }));
        AssertFailed(await CheckAsync(AtMostMaxRowsPerUser, GoodPlays, parameters: new Dictionary<string, string> { ["max_rows"] = "1", ["label"] = "x" }),
            "1 rows break it: at most max_rows rows per user");
    }

    [Test]
    public async Task JobParamsHoldsParameterValuesAsDataNotSql() =>
        AssertPassed(await CheckAsync("type: sql, description: the label survives, query: \"select * from job_params where label <> 'it''s''); drop table candidate; --'\"", GoodPlays,
            parameters: new Dictionary<string, string> { ["label"] = "it's'); drop table candidate; --" }));

    [Test]
    public async Task EveryCheckRunsAndReportsInContractOrderWithItsSeverity()
    {
        var contract = PlaysWith("type: row_count, min: 1", "type: unique, columns: [user_id], severity: warn", "type: not_null, columns: [track_id]");
        var results = await RunAsync(contract, [await WritePlaysAsync(GoodPlays, "part-00000.parquet"), await WritePlaysAsync(GoodPlays.Skip(2).Take(1), "part-00001.parquet")]);

        Assert.That(results.Select(r => (r.Name, r.Status, r.Severity)), Is.EqualTo(new[]
        {
            ("schema", CheckStatus.Passed, Severity.Error),
            ("row_count()", CheckStatus.Passed, Severity.Error),
            ("unique(user_id)", CheckStatus.Failed, Severity.Warn),
            ("not_null(track_id)", CheckStatus.Passed, Severity.Error),
        }));
        Assert.That(results[2].Detail, Does.Contain("2 duplicated keys"), "checks see the rows of every file");
    }
}
