using System.Globalization;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Plans;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Snapshots;
using BatchJobs.Core.Tests.Support;

namespace BatchJobs.Core.Tests.Jobs;

/// <summary>
/// The runner over two small jobs with contracts written for the test: <c>load-source</c> turns a raw "key,amount"
/// file into <c>source_rows</c>, and <c>sum-window</c> sums a three-day window of it in SQL into <c>window_totals</c>.
/// </summary>
public class JobRunnerTests
{
    private const string SourceRaw = "raw/source/dt={date}";
    private static readonly DateOnly Day = new(2026, 11, 10);

    private const string WindowTotalsSql = """
        with source as (
            select key, amount from source_rows
        ),
        params as (
            select min_amount from job_params
        ),
        final as (
            select s.key, cast(sum(s.amount) as bigint) as amount_total, count(*) as days
            from source s
            cross join params p
            where s.amount >= p.min_amount
            group by s.key
        )
        select * from final order by key
        """;

    private TempRoot temp = null!;
    private ContractCatalog catalog = null!;
    private DelegateJob load = null!;
    private DelegateJob sum = null!;
    private JobRunner runner = null!;

    [SetUp]
    public void SetUp()
    {
        temp = new TempRoot();
        temp.Write("contracts/source_rows.yaml", TestContracts.Yaml("source_rows", ["key string", "amount int64"],
            ["type: row_count, min: 1", "type: unique, columns: [key]"], job: "load-source", inputs: [$"raw: \"{SourceRaw}\""],
            parameters: new Dictionary<string, string> { ["multiplier"] = "1" }));
        temp.Write("contracts/window_totals.yaml", TestContracts.Yaml("window_totals", ["key string", "amount_total int64", "days int64"],
            ["type: row_count, min: 1", "type: unique, columns: [key]"], job: "sum-window", inputs: ["dataset: source_rows, window_days: 3"],
            parameters: new Dictionary<string, string> { ["min_amount"] = "0" }));
        catalog = ContractLoader.LoadDirectory(Path.Combine(temp.Root, "contracts"));
        load = new DelegateJob("load-source", LoadSourceAsync);
        sum = new DelegateJob("sum-window", SumWindowAsync);
        runner = Runner();
    }

    [TearDown]
    public void TearDown() => temp.Dispose();

    private JobRunner Runner(Func<PublishStep, string, Task>? afterPublishStep = null) =>
        new(temp.Root, catalog, [load, sum], clock: new SteppingClock(DateTimeOffset.UtcNow)) { AfterPublishStep = afterPublishStep };

    private static async Task LoadSourceAsync(JobContext context, CancellationToken cancellationToken)
    {
        var multiplier = context.IntParameter("multiplier");
        var keys = new List<string>();
        var amounts = new List<long>();
        foreach (var file in context.RawFiles(SourceRaw))
        {
            var lines = await File.ReadAllLinesAsync(file, cancellationToken);
            for (var i = 0; i < lines.Length; i++)
            {
                var fields = lines[i].Split(',');
                if (fields.Length != 2 || !long.TryParse(fields[1], CultureInfo.InvariantCulture, out var amount))
                    throw new BadInputException($"{file}: line {i + 1}: expected 'key,amount', got '{lines[i]}'");
                keys.Add(fields[0]);
                amounts.Add(amount * multiplier);
            }
        }
        var staged = context.Stage("source_rows");
        await TestTables.WriteAsync(staged.FilePath("part-00000.parquet"), staged.Contract.Schema, keys.ToArray(), amounts.ToArray());
        await context.PublishAsync([staged], cancellationToken);
    }

    private static async Task SumWindowAsync(JobContext context, CancellationToken cancellationToken)
    {
        var parameters = new InlineTable("job_params", [new ColumnSpec("min_amount", ColumnType.Int64, false)], [[(long)context.IntParameter("min_amount")]]);
        var plan = context.NewPlan().Read(context.Dataset("source_rows")).Read(parameters)
            .Sql("window_totals.sql", WindowTotalsSql).Publish("window_totals", "window_totals.sql");
        var staged = await context.RunPlanAsync(plan, cancellationToken);
        await context.PublishAsync(staged, cancellationToken);
    }

    private void WriteSource(DateOnly day, params string[] lines) =>
        temp.Write($"raw/source/dt={SnapshotLayout.FormatDate(day)}/part-00000.csv", string.Join("\n", lines) + "\n");

    private async Task<JobRunResult> RunAsync(string job, DateOnly date, bool force = false, IReadOnlyDictionary<string, string>? overrides = null, JobRunner? with = null)
    {
        var result = await (with ?? runner).RunAsync(job, date, force, overrides, TextWriter.Null);
        TestContext.Out.WriteLine($"{job} {date}: {result.Status} ({result.ExitCode}): {result.Message}");
        return result;
    }

    private async Task<JobRunResult> PublishSourceAsync(DateOnly day, params string[] lines)
    {
        WriteSource(day, lines.Length > 0 ? lines : ["a,1", "b,2"]);
        var result = await RunAsync("load-source", day);
        Assert.That(result.Status, Is.EqualTo(JobRunStatus.Published), result.Message);
        return result;
    }

    private async Task<List<string>> RowsAsync(string dataset, DateOnly day)
    {
        var rows = new List<string>();
        await foreach (var row in SnapshotReader.ReadRowsAsync(runner.Reader.TryResolve(dataset, day)!))
            rows.Add(string.Join(",", row.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))));
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private string[] RunFolders(string dataset, DateOnly day) =>
        Directory.GetDirectories(new SnapshotLayout(temp.Root).PartitionDirectory(dataset, day), "run=*").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Test]
    public async Task AFirstRunPublishes()
    {
        WriteSource(Day, "a,1", "b,2", "c,3");

        var result = await RunAsync("load-source", Day);

        Assert.That(result.Status, Is.EqualTo(JobRunStatus.Published));
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Done));
        Assert.That(result.Message, Is.EqualTo("published source_rows dt=2026-11-10 (3 rows)"));
        var manifest = result.Manifests.Single();
        Assert.That(manifest.RunId, Is.EqualTo(result.RunId));
        Assert.That(manifest.Job, Is.EqualTo("load-source"));
        Assert.That(manifest.CodeVersion, Is.EqualTo(JobRunner.CodeVersion));
        Assert.That(manifest.Parameters, Is.EqualTo(new Dictionary<string, string> { ["multiplier"] = "1" }));
        var lineage = manifest.Inputs.Single();
        Assert.That(lineage.RawPath, Is.EqualTo("raw/source/dt=2026-11-10"));
        Assert.That(lineage.RawFiles!.Select(f => (f.Name, f.Bytes)), Is.EqualTo(new[] { ("part-00000.csv", 12L) }));
        Assert.That(runner.Reader.TryResolveLatest("source_rows")!.RunId, Is.EqualTo(result.RunId));
        Assert.That(await RowsAsync("source_rows", Day), Is.EqualTo(new[] { "a,1", "b,2", "c,3" }));
    }

    [Test]
    public async Task ASecondRunWithTheSameInputsIsANoOp()
    {
        WriteSource(Day, "a,1", "b,2");
        var first = await RunAsync("load-source", Day);
        var latestBefore = File.ReadAllText(new SnapshotLayout(temp.Root).LatestPointer("source_rows"));

        var second = await RunAsync("load-source", Day);

        Assert.That(second.Status, Is.EqualTo(JobRunStatus.UpToDate));
        Assert.That(second.ExitCode, Is.EqualTo(ExitCodes.Done));
        Assert.That(second.Message, Does.Contain($"source_rows run {first.RunId}").And.Contain("use --force to recompute"));
        Assert.That(second.Manifests.Single().RunId, Is.EqualTo(first.RunId));
        Assert.That(load.Runs, Is.EqualTo(1), "the job was not run again");
        Assert.That(RunFolders("source_rows", Day), Is.EqualTo(new[] { "run=" + first.RunId }));
        Assert.That(File.ReadAllText(new SnapshotLayout(temp.Root).LatestPointer("source_rows")), Is.EqualTo(latestBefore));
    }

    [Test]
    public async Task ASqlJobRunTwiceIsANoOpTheSecondTime()
    {
        await PublishSourceAsync(Day.AddDays(-1), "a,1", "b,2");
        await PublishSourceAsync(Day, "a,10", "c,5");

        var first = await RunAsync("sum-window", Day);
        var second = await RunAsync("sum-window", Day);

        Assert.That(first.Status, Is.EqualTo(JobRunStatus.Published), first.Message);
        Assert.That(await RowsAsync("window_totals", Day), Is.EqualTo(new[] { "a,11,2", "b,2,1", "c,5,1" }));
        Assert.That(second.Status, Is.EqualTo(JobRunStatus.UpToDate));
        Assert.That(sum.Runs, Is.EqualTo(1));
        Assert.That(RunFolders("window_totals", Day), Is.EqualTo(new[] { "run=" + first.RunId }));
    }

    [Test]
    public async Task ForceRecomputesTheSameRowsUnderANewRun()
    {
        await PublishSourceAsync(Day, "a,1", "b,2");
        var first = await RunAsync("sum-window", Day);
        var rows = await RowsAsync("window_totals", Day);

        var forced = await RunAsync("sum-window", Day, force: true);

        Assert.That(forced.Status, Is.EqualTo(JobRunStatus.Published));
        Assert.That(forced.RunId, Is.Not.EqualTo(first.RunId));
        Assert.That(forced.Manifests.Single().InputFingerprint, Is.EqualTo(first.Manifests.Single().InputFingerprint));
        Assert.That(await RowsAsync("window_totals", Day), Is.EqualTo(rows), "idempotent: the same rows");
        Assert.That(runner.Reader.TryResolveLatest("window_totals")!.RunId, Is.EqualTo(forced.RunId));
        Assert.That(RunFolders("window_totals", Day), Is.EqualTo(new[] { "run=" + forced.RunId }), "retention removed the superseded run");
        await StoreAssert.ConsistentAsync(new SnapshotLayout(temp.Root), "window_totals");
    }

    [Test]
    public async Task ANewInputRunMakesItsConsumersStale()
    {
        await PublishSourceAsync(Day, "a,1", "b,2");
        await RunAsync("sum-window", Day);
        WriteSource(Day, "a,1", "b,2", "c,30");

        var reload = await RunAsync("load-source", Day);
        var resum = await RunAsync("sum-window", Day);

        Assert.That(reload.Status, Is.EqualTo(JobRunStatus.Published), "the raw file changed");
        Assert.That(resum.Status, Is.EqualTo(JobRunStatus.Published), "source_rows has a new run");
        Assert.That(resum.Manifests.Single().Inputs.Single().RunId, Is.EqualTo(reload.RunId), "lineage names the run read");
        Assert.That(await RowsAsync("window_totals", Day), Does.Contain("c,30,1"));
    }

    [Test]
    public async Task AParameterOverrideIsPartOfTheRunsIdentity()
    {
        await PublishSourceAsync(Day, "a,1", "b,2");
        var tripled = new Dictionary<string, string> { ["multiplier"] = "3" };

        var first = await RunAsync("load-source", Day, overrides: tripled);
        var again = await RunAsync("load-source", Day, overrides: tripled);
        var back = await RunAsync("load-source", Day);

        Assert.That(first.Status, Is.EqualTo(JobRunStatus.Published));
        Assert.That(first.Manifests.Single().Parameters["multiplier"], Is.EqualTo("3"));
        Assert.That(again.Status, Is.EqualTo(JobRunStatus.UpToDate));
        Assert.That(back.Status, Is.EqualTo(JobRunStatus.Published));
        Assert.That(await RowsAsync("source_rows", Day), Is.EqualTo(new[] { "a,1", "b,2" }));
    }

    [Test]
    public async Task AMissingInputPartitionIsNotReady()
    {
        await PublishSourceAsync(Day.AddDays(-1));

        var result = await RunAsync("sum-window", Day);

        Assert.That(result.Status, Is.EqualTo(JobRunStatus.InputsNotReady));
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InputsNotReady));
        Assert.That(result.Message, Is.EqualTo("source_rows dt=2026-11-10 is not published yet; run job 'load-source' for that date first"));
        Assert.That(sum.Runs, Is.Zero);
        Assert.That(runner.Reader.TryResolveLatest("window_totals"), Is.Null);
    }

    [Test]
    public async Task AMissingRawInputIsNotReady()
    {
        var result = await RunAsync("load-source", Day);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InputsNotReady));
        Assert.That(result.Message, Does.Contain(Path.Combine(temp.Root, "raw/source/dt=2026-11-10")).And.Contain("does not exist or holds no file yet"));
        Assert.That(load.Runs, Is.Zero);
    }

    [Test]
    public async Task PartitionsOfTheWindowBeforeTheFirstPublishedOneAreTolerated()
    {
        await PublishSourceAsync(Day.AddDays(-1), "a,1");
        await PublishSourceAsync(Day, "a,2");

        var result = await RunAsync("sum-window", Day);

        Assert.That(result.Status, Is.EqualTo(JobRunStatus.Published), result.Message);
        Assert.That(result.Manifests.Single().Inputs.Select(i => i.Partition), Is.EqualTo(new[] { "2026-11-09", "2026-11-10" }));
        Assert.That(await RowsAsync("window_totals", Day), Is.EqualTo(new[] { "a,3,2" }));
    }

    [Test]
    public async Task AGapInTheWindowAfterTheFirstPublishedPartitionIsNotReady()
    {
        await PublishSourceAsync(Day.AddDays(-2));
        await PublishSourceAsync(Day);

        var result = await RunAsync("sum-window", Day);

        Assert.That(result.Status, Is.EqualTo(JobRunStatus.InputsNotReady));
        Assert.That(result.Message, Does.StartWith("source_rows dt=2026-11-09 is not published yet"));
    }

    [Test]
    public async Task PartitionsOutsideTheWindowAreNotRead()
    {
        await PublishSourceAsync(Day.AddDays(-3), "a,1000");
        await PublishSourceAsync(Day.AddDays(-2), "a,1");
        await PublishSourceAsync(Day.AddDays(-1), "a,1");
        await PublishSourceAsync(Day, "a,1");

        await RunAsync("sum-window", Day);

        Assert.That(await RowsAsync("window_totals", Day), Is.EqualTo(new[] { "a,3,3" }));
    }

    [Test]
    public async Task AnUnknownParameterOverrideIsAUsageError()
    {
        var e = (await Assert.ThrowsAsync<UsageException>(() => runner.RunAsync("load-source", Day, false, new Dictionary<string, string> { ["multiplyer"] = "2" }, TextWriter.Null)))!;
        Assert.That(e.Message, Is.EqualTo("job 'load-source' has no parameter 'multiplyer'; its parameters: multiplier"));
    }

    [Test]
    public async Task AnUnknownJobIsAUsageError()
    {
        var e = (await Assert.ThrowsAsync<UsageException>(() => runner.RunAsync("load", Day, false, null, TextWriter.Null)))!;
        Assert.That(e.Message, Does.Contain("'load' is not a declared job; declared jobs: load-source, sum-window"));
    }

    [Test]
    public async Task BadInputIsAPermanentFailure()
    {
        WriteSource(Day, "a,1", "b;2");

        var result = await RunAsync("load-source", Day);

        Assert.That(result.Status, Is.EqualTo(JobRunStatus.PermanentFailure));
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.PermanentFailure));
        Assert.That(result.Message, Does.Contain("part-00000.csv: line 2: expected 'key,amount', got 'b;2'"));
        Assert.That(runner.Reader.TryResolveLatest("source_rows"), Is.Null);
    }

    [Test]
    public async Task AFailedBlockingCheckIsAPermanentFailure()
    {
        WriteSource(Day, "a,1", "a,2");

        var result = await RunAsync("load-source", Day);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.PermanentFailure));
        Assert.That(result.Message, Does.Contain("source_rows: unique(key): 1 duplicated keys, e.g. a"));
        Assert.That(runner.Reader.TryResolve("source_rows", Day), Is.Null);
        Assert.That(Directory.Exists(new SnapshotLayout(temp.Root).FailedDirectory("source_rows", Day, result.RunId)), Is.True);
    }

    [Test]
    public async Task ABadParameterValueIsAPermanentFailure()
    {
        WriteSource(Day, "a,1");

        var result = await RunAsync("load-source", Day, overrides: new Dictionary<string, string> { ["multiplier"] = "three" });

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.PermanentFailure));
        Assert.That(result.Message, Is.EqualTo("parameter 'multiplier' = 'three' is not a int32"));
    }

    [Test]
    public async Task AnyOtherExceptionIsATransientFailure()
    {
        WriteSource(Day, "a,1");
        load.Run = (_, _) => throw new IOException("disk full");

        var result = await RunAsync("load-source", Day);

        Assert.That(result.Status, Is.EqualTo(JobRunStatus.TransientFailure));
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.TransientFailure));
        Assert.That(result.Message, Does.StartWith("IOException: disk full"));
    }

    [Test]
    public async Task AJobThatPublishesNothingFails()
    {
        WriteSource(Day, "a,1");
        load.Run = (_, _) => Task.CompletedTask;

        var result = await RunAsync("load-source", Day);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.TransientFailure));
        Assert.That(result.Message, Does.Contain("job 'load-source' finished without publishing source_rows"));
    }

    [Test]
    public void AContractWhoseJobIsNotImplementedFailsAtStartUp()
    {
        var e = Assert.Throws<ContractException>(() => _ = new JobRunner(temp.Root, catalog, [load]))!;
        Assert.That(e.File, Does.EndWith("window_totals.yaml"));
        Assert.That(e.Field, Is.EqualTo("producer.job"));
        Assert.That(e.Message, Does.Contain("no job named 'sum-window' is implemented; implemented: load-source"));
    }

    [Test]
    public async Task ARetryAfterACrashBeforeTheRenamePublishes([Values(PublishStep.FilesWritten, PublishStep.Checked, PublishStep.ManifestWritten)] PublishStep crashAfter)
    {
        await PublishSourceAsync(Day.AddDays(-1));
        WriteSource(Day, "a,1");
        var crashing = Runner((step, _) => step == crashAfter ? throw new SimulatedCrashException("crash") : Task.CompletedTask);

        var crashed = await RunAsync("load-source", Day, with: crashing);
        var retried = await RunAsync("load-source", Day);

        Assert.That(crashed.ExitCode, Is.EqualTo(ExitCodes.TransientFailure), "a crash is retried");
        Assert.That(retried.Status, Is.EqualTo(JobRunStatus.Published));
        Assert.That(runner.Reader.TryResolveLatest("source_rows")!.RunId, Is.EqualTo(retried.RunId));
        await StoreAssert.ConsistentAsync(new SnapshotLayout(temp.Root), "source_rows");
    }

    /// <summary>
    /// Regression guard: a crash between renaming the run into place and replacing <c>_LATEST</c> leaves a complete
    /// run whose fingerprint matches, so the retry is "up to date"; it must still point <c>_LATEST</c> at it, or
    /// serving stays on the previous date until some later date is published.
    /// </summary>
    [Test]
    public async Task ARetryAfterACrashBetweenRenameAndLatestPointsLatestAtTheRun()
    {
        await PublishSourceAsync(Day.AddDays(-1));
        WriteSource(Day, "a,1");
        var crashing = Runner((step, _) => step == PublishStep.Renamed ? throw new SimulatedCrashException("crash") : Task.CompletedTask);

        var crashed = await RunAsync("load-source", Day, with: crashing);
        var retried = await RunAsync("load-source", Day);

        Assert.That(crashed.ExitCode, Is.EqualTo(ExitCodes.TransientFailure));
        Assert.That(retried.ExitCode, Is.EqualTo(ExitCodes.Done));
        Assert.That(runner.Reader.TryResolveLatest("source_rows")!.Partition, Is.EqualTo(Day), "_LATEST must reach the newest published partition");
        await StoreAssert.ConsistentAsync(new SnapshotLayout(temp.Root), "source_rows");
    }

    private const string ExcludedKeysRaw = "raw/source/excluded_keys.txt";

    /// <summary>
    /// A third job, <c>keep-rows</c>: the day's source file into <c>kept_rows</c>, leaving out the keys listed in the
    /// optional raw file <see cref="ExcludedKeysRaw"/>, with at most <c>max_per_key</c> rows per key (a sql check on
    /// <c>job_params</c>).
    /// </summary>
    private (JobRunner Runner, DelegateJob Keep) WithKeepRows()
    {
        temp.Write("contracts/kept_rows.yaml", TestContracts.Yaml("kept_rows", ["key string", "amount int64"],
            ["type: sql, description: at most max_per_key rows per key, query: \"select key from candidate group by key having count(*) > (select cast(max_per_key as integer) from job_params)\""],
            job: "keep-rows", inputs: [$"raw: \"{SourceRaw}\"", $"raw: {ExcludedKeysRaw}, optional: true"],
            parameters: new Dictionary<string, string> { ["max_per_key"] = "1" }));
        catalog = ContractLoader.LoadDirectory(Path.Combine(temp.Root, "contracts"));
        var keep = new DelegateJob("keep-rows", async (context, cancellationToken) =>
        {
            var excluded = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in context.RawFiles(ExcludedKeysRaw)) excluded.UnionWith(await File.ReadAllLinesAsync(file, cancellationToken));
            var rows = new List<string[]>();
            foreach (var file in context.RawFiles(SourceRaw))
                rows.AddRange((await File.ReadAllLinesAsync(file, cancellationToken)).Select(l => l.Split(',')).Where(f => !excluded.Contains(f[0])));
            var staged = context.Stage("kept_rows");
            await TestTables.WriteAsync(staged.FilePath("part-00000.parquet"), staged.Contract.Schema,
                rows.Select(r => r[0]).ToArray(), rows.Select(r => long.Parse(r[1], CultureInfo.InvariantCulture)).ToArray());
            await context.PublishAsync([staged], cancellationToken);
        });
        return (new JobRunner(temp.Root, catalog, [load, sum, keep], clock: new SteppingClock(DateTimeOffset.UtcNow)), keep);
    }

    [Test]
    public async Task AnAbsentOptionalRawInputRunsTheJobAndIsRecordedAsAbsent()
    {
        var (withKeep, keep) = WithKeepRows();
        WriteSource(Day, "a,1", "b,2");

        var result = await RunAsync("keep-rows", Day, with: withKeep);

        Assert.That(result.Status, Is.EqualTo(JobRunStatus.Published), result.Message);
        var optional = result.Manifests.Single().Inputs.Single(i => i.RawPath == ExcludedKeysRaw);
        Assert.That(optional.RawFiles, Is.Empty, "the lineage says the optional file was absent");
        Assert.That(await RowsAsync("kept_rows", Day), Is.EqualTo(new[] { "a,1", "b,2" }));
        Assert.That(keep.Runs, Is.EqualTo(1));
    }

    [Test]
    public async Task AnOptionalRawInputThatAppearsChangesOrGoesAwayMakesTheRunStale()
    {
        var (withKeep, keep) = WithKeepRows();
        WriteSource(Day, "a,1", "b,2", "c,3");
        var absent = await RunAsync("keep-rows", Day, with: withKeep);
        temp.Write(ExcludedKeysRaw, "b\n");

        var appeared = await RunAsync("keep-rows", Day, with: withKeep);
        var unchanged = await RunAsync("keep-rows", Day, with: withKeep);
        temp.Write(ExcludedKeysRaw, "b\nc\n");
        var changed = await RunAsync("keep-rows", Day, with: withKeep);
        var changedRows = await RowsAsync("kept_rows", Day);
        File.Delete(Path.Combine(temp.Root, ExcludedKeysRaw));
        var removed = await RunAsync("keep-rows", Day, with: withKeep);

        Assert.That(new[] { absent.Status, appeared.Status, unchanged.Status, changed.Status, removed.Status }, Is.EqualTo(new[]
        {
            JobRunStatus.Published, JobRunStatus.Published, JobRunStatus.UpToDate, JobRunStatus.Published, JobRunStatus.Published,
        }));
        Assert.That(keep.Runs, Is.EqualTo(4), "only the unchanged rerun was skipped");
        Assert.That(appeared.Manifests.Single().Inputs.Single(i => i.RawPath == ExcludedKeysRaw).RawFiles!.Select(f => (f.Name, f.Bytes)),
            Is.EqualTo(new[] { ("excluded_keys.txt", 2L) }), "the lineage names the optional file read");
        Assert.That(changedRows, Is.EqualTo(new[] { "a,1" }));
        Assert.That(await RowsAsync("kept_rows", Day), Is.EqualTo(new[] { "a,1", "b,2", "c,3" }));
    }

    [Test]
    public async Task SqlChecksFollowAParameterOverride()
    {
        var (withKeep, _) = WithKeepRows();
        WriteSource(Day, "a,1", "a,2", "b,3");

        var blocked = await RunAsync("keep-rows", Day, with: withKeep);
        var allowed = await RunAsync("keep-rows", Day, overrides: new Dictionary<string, string> { ["max_per_key"] = "2" }, with: withKeep);

        Assert.That(blocked.Status, Is.EqualTo(JobRunStatus.PermanentFailure));
        Assert.That(blocked.Message, Does.Contain("1 rows break it: at most max_per_key rows per key"));
        Assert.That(allowed.Status, Is.EqualTo(JobRunStatus.Published), allowed.Message);
    }
}
