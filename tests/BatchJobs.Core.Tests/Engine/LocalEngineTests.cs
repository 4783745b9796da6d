using BatchJobs.Core.Contracts;
using BatchJobs.Core.Engine;
using BatchJobs.Core.Tables;
using BatchJobs.Core.Tests.Support;

namespace BatchJobs.Core.Tests.Engine;

public class LocalEngineTests
{
    private static readonly ColumnSpec[] Events = [new("user_id", ColumnType.String, false), new("plays", ColumnType.Int64, false)];
    private static readonly DateTime At = new(2026, 11, 2, 13, 14, 15, 123, 456, DateTimeKind.Utc);

    private TempRoot temp = null!;
    private readonly LocalEngine engine = new();

    [SetUp]
    public void SetUp() => temp = new TempRoot();

    [TearDown]
    public void TearDown() => temp.Dispose();

    private async Task<Dictionary<string, IReadOnlyList<string>>> EventsViewAsync()
    {
        var first = await TestTables.WriteAsync(temp.File("events", "part-00000.parquet"), Events, new[] { "u2", "u1" }, new[] { 2L, 1L });
        var second = await TestTables.WriteAsync(temp.File("events", "part-00001.parquet"), Events, new[] { "u3" }, new[] { 3L });
        return new() { ["events"] = [first, second] };
    }

    private static InlineTable JobParams(string label) => new("job_params",
    [
        new("label", ColumnType.String, false), new("small", ColumnType.Int32, false), new("big", ColumnType.Int64, false),
        new("ratio", ColumnType.Float, false), new("weight", ColumnType.Double, false), new("flag", ColumnType.Boolean, false),
        new("day", ColumnType.Date, false), new("at", ColumnType.Timestamp, false),
    ],
    [[label, 7, 10_000_000_000L, 0.25f, 0.5, true, new DateOnly(2026, 11, 2), At]]);

    private const string Sql = """
        with events as (
            select user_id, plays from events
        ),
        params as (
            select * from job_params
        ),
        final as (
            select e.user_id, p.label, p.small, e.plays * p.big as scaled, p.ratio, p.weight * e.plays as weighted, p.flag, p.day, p.at,
                   [cast(e.plays as float), p.ratio] as factors
            from events e
            cross join params p
        )
        select * from final order by user_id
        """;

    [Test]
    public async Task ASqlStageReadsViewsAndInlineTablesAndWritesPortableParquet()
    {
        var output = temp.File("out", "part-00000.parquet");
        var stage = new SqlStage("scale.sql", Sql, await EventsViewAsync(), [JobParams("weekly")]);

        await engine.RunSqlAsync(stage, output, CancellationToken.None);

        Assert.That(await ParquetSchemas.ReadAsync(output), Is.EqualTo(new (string, ColumnType?)[]
        {
            ("user_id", ColumnType.String), ("label", ColumnType.String), ("small", ColumnType.Int32), ("scaled", ColumnType.Int64),
            ("ratio", ColumnType.Float), ("weighted", ColumnType.Double), ("flag", ColumnType.Boolean), ("day", ColumnType.Date),
            ("at", ColumnType.Timestamp), ("factors", ColumnType.FloatList),
        }));
        var rows = await TestTables.ReadAsync(output);
        Assert.That(rows.Select(r => r[0]), Is.EqualTo(new[] { "u1", "u2", "u3" }), "every file of the view, in the query's order");
        Assert.That(rows[1][..9], Is.EqualTo(new object?[] { "u2", "weekly", 7, 20_000_000_000L, 0.25f, 1.0, true, new DateOnly(2026, 11, 2), At }));
        Assert.That(rows[2][9], Is.EqualTo(new[] { 3f, 0.25f }));
    }

    [Test]
    public async Task InlineValuesAreBoundNotSplicedIntoTheSql()
    {
        const string hostile = "it's'); drop table events; --";
        var output = temp.File("out", "part-00000.parquet");
        var stage = new SqlStage("scale.sql", Sql, await EventsViewAsync(), [JobParams(hostile)]);

        await engine.RunSqlAsync(stage, output, CancellationToken.None);

        Assert.That((await TestTables.ReadAsync(output)).Select(r => r[1]), Is.All.EqualTo(hostile));
    }

    [Test]
    public async Task AnEmptyResultStillWritesAFileWithItsSchema()
    {
        var output = temp.File("out", "part-00000.parquet");
        var stage = new SqlStage("none.sql", "select user_id, plays from events where plays > 100", await EventsViewAsync(), []);

        await engine.RunSqlAsync(stage, output, CancellationToken.None);

        Assert.That(await ParquetRows.CountRowsAsync(output), Is.Zero);
        Assert.That(await ParquetSchemas.ReadAsync(output), Is.EqualTo(new (string, ColumnType?)[] { ("user_id", ColumnType.String), ("plays", ColumnType.Int64) }));
    }

    [Test]
    public async Task ADuckDbErrorNamesTheStage()
    {
        var stage = new SqlStage("broken_totals.sql", "select user_id, palys from events", await EventsViewAsync(), []);

        var e = (await Assert.ThrowsAsync<InvalidOperationException>(() => engine.RunSqlAsync(stage, temp.File("out", "part-00000.parquet"), CancellationToken.None)))!;

        Assert.That(e.Message, Does.StartWith("SQL stage 'broken_totals.sql' failed in DuckDB: ").And.Contain("palys"));
        Assert.That(e.InnerException, Is.InstanceOf<DuckDB.NET.Data.DuckDBException>());
    }

    /// <summary>Binding a stage's inputs is part of running it: a view over a file that is gone must name the stage too.</summary>
    [Test]
    public async Task ADuckDbErrorBindingAnInputNamesTheStage()
    {
        var views = new Dictionary<string, IReadOnlyList<string>> { ["events"] = [temp.File("events", "part-missing.parquet")] };
        var stage = new SqlStage("totals.sql", "select * from events", views, []);

        var e = (await Assert.CatchAsync<Exception>(() => engine.RunSqlAsync(stage, temp.File("out", "part-00000.parquet"), CancellationToken.None)))!;

        Assert.That(e.Message, Does.StartWith("SQL stage 'totals.sql' failed in DuckDB: ").And.Contain("part-missing.parquet"));
    }

    [Test]
    public async Task ACancelledStageDoesNotRun()
    {
        var output = temp.File("out", "part-00000.parquet");
        var stage = new SqlStage("scale.sql", Sql, await EventsViewAsync(), [JobParams("x")]);

        await Assert.CatchAsync<OperationCanceledException>(() => engine.RunSqlAsync(stage, output, new CancellationToken(canceled: true)));
        Assert.That(File.Exists(output), Is.False);
    }
}
