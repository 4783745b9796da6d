using BatchJobs.Core.Checks;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Engine;
using BatchJobs.Core.Plans;
using BatchJobs.Core.Snapshots;
using BatchJobs.Core.Tables;

namespace BatchJobs.Jobs.Tests;

/// <summary>
/// Runs one SQL model of a job alone, dbt-fixture style: hand-made input relations (each a small <c>select</c> bound
/// under a dataset's name), the model's SQL as the stage it is in its job, all through a plan on the local engine, and
/// the model's rows back in a stated order.
/// </summary>
public static class SqlModel
{
    private static readonly DateOnly Day = new(2026, 11, 2);

    /// <param name="name">The relation the model defines in its job.</param>
    /// <param name="sql">The model's SQL.</param>
    /// <param name="inputs">Each input relation by name, as a query of literal rows.</param>
    /// <param name="orderBy">How to order the output for comparison, e.g. <c>user_id, row_kind</c>.</param>
    public static async Task<List<object?[]>> RunAsync(string name, string sql, IReadOnlyDictionary<string, string> inputs, string orderBy)
    {
        var root = Path.Combine(Path.GetTempPath(), "batchjobs-sql-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            var contract = ContractLoader.Parse($$"""
                name: model_output
                version: 1
                description: the rows of a SQL model under test
                owner: tests
                partitioning: daily
                schema:
                  - { name: row, type: string, nullable: true }
                primary_key: [row]
                producer:
                  job: test-job
                  inputs: []
                parameters: {}
                slo:
                  schedule: "0 3 * * *"
                  deadline: PT6H
                  freshness: P2D
                  retention: P30D
                checks: []
                """, "model_output.yaml");
            var layout = new SnapshotLayout(root);
            var publisher = new SnapshotPublisher(layout, new QualityCheckRunner(new SnapshotReader(layout), new ContractCatalog([contract])), TimeProvider.System);
            var staged = publisher.Stage(contract, Day, "run-1");
            var plan = new StagePlan("test-job", Day);
            foreach (var (relation, rows) in inputs) plan.Sql(relation, rows);
            plan.Sql(name, sql).Sql("model_output", $"select * from {name} order by {orderBy}").Publish("model_output", "model_output");

            await new LocalEngine().RunAsync(plan, new Dictionary<string, StagedSnapshot> { ["model_output"] = staged }, Path.Combine(root, "scratch"), CancellationToken.None);

            var result = new List<object?[]>();
            await foreach (var row in ParquetRows.ReadAsync(staged.FilePath("part-00000.parquet"))) result.Add(row);
            return result;
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }
}
