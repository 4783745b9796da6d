using BatchJobs.Core.Checks;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Engine;
using BatchJobs.Core.Plans;
using BatchJobs.Core.Snapshots;
using BatchJobs.Core.Tables;

namespace BatchJobs.Jobs.Tests;

/// <summary>
/// Given/expect tests of plan stages: tiny hand-made input tables, the stages under test run on <see cref="LocalEngine"/>
/// (so in DuckDB, as in production), and the rows of one relation read back.
/// </summary>
public sealed class PlanFixture : IDisposable
{
    public static readonly DateOnly Day = new(2026, 11, 30);

    private readonly string root = Path.Combine(Path.GetTempPath(), "batchjobs-plan-" + Guid.NewGuid().ToString("N")[..10]);

    /// <summary>An inline table from columns written "name type" (contract spellings) and rows of values.</summary>
    public static InlineTable Table(string name, string columns, params object?[][] rows) =>
        new(name, columns.Split(',').Select(c => c.Trim().Split(' ')).Select(c => new ColumnSpec(c[0],
            ColumnTypeNames.TryParse(c[1], out var type) ? type : throw new ArgumentException($"'{c[1]}' is not a column type", nameof(columns)), true)).ToList(), rows);

    /// <summary>Runs the plan that <paramref name="build"/> makes from the given tables and returns the rows of <paramref name="relation"/>.</summary>
    public async Task<List<object?[]>> RowsAsync(IEnumerable<InlineTable> given, Func<StagePlan, StagePlan> build, string relation)
    {
        var contract = ContractLoader.Parse(
            "name: under_test\nversion: 1\ndescription: the relation under test\nowner: tests\npartitioning: daily\n" +
            "schema:\n  - { name: x, type: string, nullable: true }\nprimary_key: [x]\nproducer:\n  job: test-job\n  inputs:\n    - { raw: \"raw/x\" }\n" +
            "parameters: {}\nslo:\n  schedule: \"0 3 * * *\"\n  deadline: PT6H\n  freshness: P2D\n  retention: P30D\nchecks: []\n", "under_test.yaml");
        var layout = new SnapshotLayout(root);
        var publisher = new SnapshotPublisher(layout, new QualityCheckRunner(new SnapshotReader(layout), new ContractCatalog([contract])), TimeProvider.System);
        var staged = publisher.Stage(contract, Day, "run-" + Guid.NewGuid().ToString("N")[..6]);
        var plan = given.Aggregate(new StagePlan("test-job", Day), (p, table) => p.Read(table));
        plan = build(plan).Sql("under_test_rows", $"select * from {relation}").Publish("under_test", "under_test_rows");

        await new LocalEngine().RunAsync(plan, new Dictionary<string, StagedSnapshot> { ["under_test"] = staged }, Path.Combine(root, "scratch"), CancellationToken.None);

        var rows = new List<object?[]>();
        await foreach (var row in ParquetRows.ReadAsync(staged.FilePath("part-00000.parquet"))) rows.Add(row);
        return rows;
    }

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }
}
