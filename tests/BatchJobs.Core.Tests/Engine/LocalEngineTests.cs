using System.Collections.Concurrent;
using Apache.Arrow;
using BatchJobs.Core.Checks;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Engine;
using BatchJobs.Core.Plans;
using BatchJobs.Core.Snapshots;
using BatchJobs.Core.Tables;
using BatchJobs.Core.Tests.Support;

namespace BatchJobs.Core.Tests.Engine;

public class LocalEngineTests
{
    private static readonly ColumnSpec[] Events = [new("user_id", ColumnType.String, false), new("plays", ColumnType.Int64, false)];
    private static readonly DateTime At = new(2026, 11, 2, 13, 14, 15, 123, 456, DateTimeKind.Utc);
    private static readonly DateOnly Day = new(2026, 11, 2);

    private TempRoot temp = null!;
    private readonly LocalEngine engine = new();

    [SetUp]
    public void SetUp() => temp = new TempRoot();

    [TearDown]
    public void TearDown() => temp.Dispose();

    /// <summary>Two runs of <c>events</c>, in folders named as if they were another day, to show dt comes from the run.</summary>
    private async Task<DatasetRuns> EventsAsync()
    {
        var first = await TestTables.WriteAsync(temp.File("golden", "events", "dt=1999-01-01", "run=a", "part-00000.parquet"), Events, new[] { "u2", "u1" }, new[] { 2L, 1L });
        var second = await TestTables.WriteAsync(temp.File("golden", "events", "dt=1999-01-01", "run=b", "part-00000.parquet"), Events, new[] { "u3" }, new[] { 3L });
        return new DatasetRuns("events", [Run(first, Day.AddDays(-1)), Run(second, Day)], Events);
    }

    private static PublishedSnapshot Run(string file, DateOnly partition) => new("events", partition, "r", Path.GetDirectoryName(file)!, new SnapshotManifest
    {
        Dataset = "events", Partition = SnapshotLayout.FormatDate(partition), RunId = "r", Job = "test-job", ContractVersion = 1, ContractSha256 = "",
        CodeVersion = "", CreatedAt = DateTimeOffset.UnixEpoch, InputFingerprint = "", Parameters = new Dictionary<string, string>(), Inputs = [],
        Files = [new ManifestFile(Path.GetFileName(file), 0, 0, "")], Schema = [], RowCount = 0, Checks = [],
    });

    private static InlineTable JobParams(string label) => new("job_params",
    [
        new("label", ColumnType.String, false), new("small", ColumnType.Int32, false), new("big", ColumnType.Int64, false),
        new("ratio", ColumnType.Float, false), new("weight", ColumnType.Double, false), new("flag", ColumnType.Boolean, false),
        new("day", ColumnType.Date, false), new("at", ColumnType.Timestamp, false),
    ],
    [[label, 7, 10_000_000_000L, 0.25f, 0.5, true, new DateOnly(2026, 11, 2), At]]);

    private const string Sql = """
        with events as (
            select user_id, plays, dt from events
        ),
        params as (
            select * from job_params
        ),
        final as (
            select e.user_id, p.label, p.small, e.plays * p.big as scaled, p.ratio, p.weight * e.plays as weighted, p.flag, e.dt as day, p.at,
                   [cast(e.plays as float), p.ratio] as factors
            from events e
            cross join params p
        )
        select * from final order by user_id
        """;

    /// <summary>Stages a run of a test dataset named <paramref name="dataset"/> with the given columns.</summary>
    private StagedSnapshot Staged(string dataset, params string[] columns)
    {
        var contract = TestContracts.Parse(TestContracts.Yaml(dataset, columns));
        var layout = new SnapshotLayout(temp.Root);
        var publisher = new SnapshotPublisher(layout, new QualityCheckRunner(new SnapshotReader(layout), new ContractCatalog([contract])), TimeProvider.System);
        return publisher.Stage(contract, Day, "run-1");
    }

    private Task RunAsync(StagePlan plan, StagedSnapshot staged, CancellationToken cancellationToken = default) =>
        engine.RunAsync(plan, new Dictionary<string, StagedSnapshot> { [staged.Contract.Name] = staged }, temp.File("scratch", "x").Replace("/x", ""), cancellationToken);

    [Test]
    public async Task A_sql_stage_reads_dataset_runs_and_inline_tables_and_writes_portable_parquet()
    {
        var staged = Staged("scaled", "user_id string");
        var plan = new StagePlan("test-job", Day).Read(await EventsAsync()).Read(JobParams("weekly")).Sql("scale.sql", Sql).Publish("scaled", "scale.sql");

        await RunAsync(plan, staged);

        var output = staged.FilePath("part-00000.parquet");
        Assert.That(await ParquetSchemas.ReadAsync(output), Is.EqualTo(new (string, ColumnType?)[]
        {
            ("user_id", ColumnType.String), ("label", ColumnType.String), ("small", ColumnType.Int32), ("scaled", ColumnType.Int64),
            ("ratio", ColumnType.Float), ("weighted", ColumnType.Double), ("flag", ColumnType.Boolean), ("day", ColumnType.Date),
            ("at", ColumnType.Timestamp), ("factors", ColumnType.FloatList),
        }));
        var rows = await TestTables.ReadAsync(output);
        Assert.That(rows.Select(r => r[0]), Is.EqualTo(new[] { "u1", "u2", "u3" }), "every run of the dataset, in the query's order");
        Assert.That(rows[1][..9], Is.EqualTo(new object?[] { "u2", "weekly", 7, 20_000_000_000L, 0.25f, 1.0, true, Day.AddDays(-1), At }));
        Assert.That(rows[2][7], Is.EqualTo(Day), "dt is each run's partition, not what the folder says");
        Assert.That(rows[2][9], Is.EqualTo(new[] { 3f, 0.25f }));
    }

    [Test]
    public async Task A_dataset_without_runs_is_an_empty_relation_of_its_columns()
    {
        var staged = Staged("counted", "runs int64");
        var plan = new StagePlan("test-job", Day).Read(new DatasetRuns("events", [], Events))
            .Sql("count.sql", "select count(*) as runs, max(plays) as most, max(dt) as last from events").Publish("counted", "count.sql");

        await RunAsync(plan, staged);

        Assert.That(await TestTables.ReadAsync(staged.FilePath("part-00000.parquet")), Is.EqualTo(new[] { new object?[] { 0L, null, null } }));
    }

    [Test]
    public async Task Inline_values_are_bound_not_spliced_into_the_sql()
    {
        const string hostile = "it's'); drop table events; --";
        var staged = Staged("scaled", "user_id string");
        var plan = new StagePlan("test-job", Day).Read(await EventsAsync()).Read(JobParams(hostile)).Sql("scale.sql", Sql).Publish("scaled", "scale.sql");

        await RunAsync(plan, staged);

        Assert.That((await TestTables.ReadAsync(staged.FilePath("part-00000.parquet"))).Select(r => r[1]), Is.All.EqualTo(hostile));
    }

    [Test]
    public async Task Stages_read_the_stages_before_them_and_statistics_read_the_output()
    {
        var staged = Staged("heavy", "user_id string");
        var plan = new StagePlan("test-job", Day).Read(await EventsAsync())
            .Sql("doubled", "select user_id, plays * 2 as plays from events")
            .Sql("heavy", "select user_id, plays from doubled where plays > 100")
            .Publish("heavy", "heavy", new Dictionary<string, string> { ["rows"] = "select count(*) from heavy", ["light"] = "select count(*) from doubled where plays <= 4" });

        await RunAsync(plan, staged);

        Assert.That(await ParquetRows.CountRowsAsync(staged.FilePath("part-00000.parquet")), Is.Zero);
        Assert.That(await ParquetSchemas.ReadAsync(staged.FilePath("part-00000.parquet")), Is.EqualTo(new (string, ColumnType?)[] { ("user_id", ColumnType.String), ("plays", ColumnType.Int64) }));
        Assert.That(staged.Statistics, Is.EqualTo(new Dictionary<string, double> { ["rows"] = 0, ["light"] = 2 }));
    }

    [Test]
    public async Task A_duckdb_error_names_the_stage()
    {
        var staged = Staged("broken", "user_id string");
        var plan = new StagePlan("test-job", Day).Read(await EventsAsync()).Sql("broken_totals.sql", "select user_id, palys from events").Publish("broken", "broken_totals.sql");

        var e = (await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(plan, staged)))!;

        Assert.That(e.Message, Does.StartWith("stage 'broken_totals.sql' of 'test-job' failed in DuckDB: ").And.Contain("palys"));
        Assert.That(e.InnerException, Is.InstanceOf<DuckDB.NET.Data.DuckDBException>());
    }

    [Test]
    public async Task A_run_whose_file_is_gone_names_the_input()
    {
        var staged = Staged("totals", "user_id string");
        var gone = new DatasetRuns("events", [Run(temp.File("golden", "events", "part-missing.parquet"), Day)], Events);
        var plan = new StagePlan("test-job", Day).Read(gone).Sql("totals.sql", "select * from events").Publish("totals", "totals.sql");

        var e = (await Assert.CatchAsync<Exception>(() => RunAsync(plan, staged)))!;

        Assert.That(e.Message, Does.StartWith("input 'events' of 'test-job' failed in DuckDB: ").And.Contain("part-missing.parquet"));
    }

    [Test]
    public async Task A_cancelled_plan_does_not_run()
    {
        var staged = Staged("scaled", "user_id string");
        var plan = new StagePlan("test-job", Day).Read(await EventsAsync()).Read(JobParams("x")).Sql("scale.sql", Sql).Publish("scaled", "scale.sql");

        await Assert.CatchAsync<OperationCanceledException>(() => RunAsync(plan, staged, new CancellationToken(canceled: true)));
        Assert.That(File.Exists(staged.FilePath("part-00000.parquet")), Is.False);
    }

    /// <summary>Per key of a group: how many rows it has, the rows' values in order, and a side input's total.</summary>
    private sealed class SummariseKernel : IGroupKernel
    {
        public ConcurrentBag<int> GroupSizes { get; } = [];
        public int SideBuilds;

        public IReadOnlyList<ColumnSpec> OutputSchema { get; } =
            [new("user_id", ColumnType.String, false), new("rows", ColumnType.Int32, false), new("sequence", ColumnType.String, false), new("side_total", ColumnType.Int64, false)];

        public RecordBatch Apply(RecordBatch rows, SideInputs sideInputs)
        {
            var total = sideInputs.Get("weights", batch =>
            {
                Interlocked.Increment(ref SideBuilds);
                return new long[] { batch.Int64s("weight").ToArray().Sum() };
            })[0];
            var users = rows.Strings("user_id");
            var items = rows.Int64s("item").ToArray();
            GroupSizes.Add(users.Distinct().Count());
            var keys = users.Distinct().ToArray();
            var counts = keys.Select(k => users.Count(u => u == k)).ToArray();
            var sequences = keys.Select(k => string.Join(",", users.Select((u, i) => (u, i)).Where(p => p.u == k).Select(p => items[p.i]))).ToArray();
            return ArrowColumns.Batch(OutputSchema, keys.Length, [keys, counts, sequences, Enumerable.Repeat(total, keys.Length).ToArray()]);
        }
    }

    [Test]
    public async Task A_kernel_stage_sees_every_row_of_a_key_in_one_group_in_order_and_builds_side_inputs_once()
    {
        var staged = Staged("summary", "user_id string", "rows int32", "sequence string", "side_total int64");
        var kernel = new SummariseKernel();
        // 500 users with 1..5 rows each, items descending so the stage's order (by item) must reorder them.
        var plan = new StagePlan("test-job", Day)
            .Sql("plays", "select 'u' || lpad(cast(u as varchar), 3, '0') as user_id, cast(10 - i as bigint) as item from range(500) t(u), range(5) s(i) where i <= u % 5")
            .Sql("weights", "select cast(range as bigint) as weight from range(10)")
            .Kernel(new KernelStage("summary", "plays", "user_id", ["item"], kernel, ["weights"], KeysPerGroup: 64))
            .Publish("summary", "summary");

        await RunAsync(plan, staged);

        var rows = await TestTables.ReadAsync(staged.FilePath("part-00000.parquet"));
        Assert.That(rows, Has.Count.EqualTo(500), "one output row per user: no user split over two groups");
        Assert.That(rows.Select(r => (string)r[0]!).Distinct().Count(), Is.EqualTo(500));
        var u7 = rows.Single(r => (string)r[0]! == "u007");
        Assert.That(u7[1..], Is.EqualTo(new object?[] { 3, "8,9,10", 45L }), "a key's rows sorted by the stage's order columns");
        Assert.That(kernel.GroupSizes, Has.Count.InRange(5, 12), "about 500 / 64 groups");
        Assert.That(kernel.GroupSizes.Max(), Is.LessThan(200), "groups are bounded, not the whole source");
        Assert.That(kernel.SideBuilds, Is.EqualTo(1), "a side input is built once for all groups");
    }

    [Test]
    public async Task A_kernel_stage_writes_the_same_file_every_time()
    {
        var hashes = new List<string>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var staged = Staged("summary" + attempt, "user_id string", "rows int32", "sequence string", "side_total int64");
            var plan = new StagePlan("test-job", Day)
                .Sql("plays", "select 'u' || cast(u as varchar) as user_id, cast(i as bigint) as item from range(3000) t(u), range(3) s(i)")
                .Sql("weights", "select cast(1 as bigint) as weight")
                .Kernel(new KernelStage("summary", "plays", "user_id", ["item"], new SummariseKernel(), ["weights"], KeysPerGroup: 100))
                .Publish("summary" + attempt, "summary");
            await RunAsync(plan, staged);
            hashes.Add(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(staged.FilePath("part-00000.parquet")))));
        }
        Assert.That(hashes.Distinct().Count(), Is.EqualTo(1), "groups are written in the order they were read, whatever the threads do");
    }

    [Test]
    public async Task A_kernel_stage_over_no_rows_writes_an_empty_file_of_its_schema()
    {
        var staged = Staged("summary", "user_id string", "rows int32", "sequence string", "side_total int64");
        var plan = new StagePlan("test-job", Day)
            .Sql("plays", "select 'u' as user_id, cast(1 as bigint) as item where false")
            .Sql("weights", "select cast(1 as bigint) as weight")
            .Kernel(new KernelStage("summary", "plays", "user_id", [], new SummariseKernel(), ["weights"]))
            .Publish("summary", "summary");

        await RunAsync(plan, staged);

        Assert.That(await ParquetRows.CountRowsAsync(staged.FilePath("part-00000.parquet")), Is.Zero);
        Assert.That((await ParquetSchemas.ReadAsync(staged.FilePath("part-00000.parquet"))).Select(c => c.Name), Is.EqualTo(new[] { "user_id", "rows", "sequence", "side_total" }));
    }

    /// <summary>Regression: lists copied out of DuckDB's batches kept pointing at the batch's freed values buffer.</summary>
    [Test]
    public async Task A_side_input_of_vectors_outlives_the_duckdb_batches_it_came_from()
    {
        var staged = Staged("sums", "user_id string", "total double");
        var plan = new StagePlan("test-job", Day)
            .Sql("users", "select 'u' || cast(range as varchar) as user_id from range(10)")
            .Sql("vectors", "select range as id, [cast(range as float), 1.0::float, 2.0::float] as vector from range(5000)")
            .Kernel(new KernelStage("sums", "users", "user_id", [], new VectorSumKernel(), ["vectors"]))
            .Publish("sums", "sums");

        await RunAsync(plan, staged);

        var rows = await TestTables.ReadAsync(staged.FilePath("part-00000.parquet"));
        Assert.That(rows.Select(r => r[1]), Is.All.EqualTo(Enumerable.Range(0, 5000).Sum(i => i + 3.0)));
    }

    /// <summary>Per user, the sum of every value of every vector of the side input.</summary>
    private sealed class VectorSumKernel : IGroupKernel
    {
        public IReadOnlyList<ColumnSpec> OutputSchema { get; } = [new("user_id", ColumnType.String, false), new("total", ColumnType.Double, false)];

        public RecordBatch Apply(RecordBatch rows, SideInputs sideInputs)
        {
            var total = sideInputs.Get("vectors", batch => new[] { batch.FloatMatrix("vector", out _).Sum(v => (double)v) })[0];
            var users = rows.Strings("user_id");
            return ArrowColumns.Batch(OutputSchema, users.Length, [users, Enumerable.Repeat(total, users.Length).ToArray()]);
        }
    }

    [Test]
    public void A_plan_refuses_a_stage_that_reads_an_undefined_relation()
    {
        var plan = new StagePlan("test-job", Day).Sql("plays", "select 1 as user_id");

        var e = Assert.Throws<ArgumentException>(() => plan.Kernel(new KernelStage("summary", "plays", "user_id", [], new SummariseKernel(), ["weights"])))!;

        Assert.That(e.Message, Does.Contain("'weights'"));
    }
}
