namespace BatchJobs.Jobs.Tests;

/// <summary>
/// Runs one SQL model of a job alone, dbt-fixture style: hand-made input relations (each a small <c>select</c> bound
/// under a dataset's name), the model's SQL as the stage it is in its job, all through a plan on the local engine
/// (<see cref="PlanFixture"/>), and the model's rows back in a stated order.
/// </summary>
public static class SqlModel
{
    /// <param name="name">The relation the model defines in its job.</param>
    /// <param name="sql">The model's SQL.</param>
    /// <param name="inputs">Each input relation by name, as a query of literal rows.</param>
    /// <param name="orderBy">How to order the output for comparison, e.g. <c>user_id, row_kind</c>.</param>
    public static async Task<List<object?[]>> RunAsync(string name, string sql, IReadOnlyDictionary<string, string> inputs, string orderBy)
    {
        using var fixture = new PlanFixture();
        return await fixture.RowsAsync([], plan =>
        {
            foreach (var (relation, rows) in inputs) plan.Sql(relation, rows);
            return plan.Sql(name, sql).Sql("ordered_rows", $"select * from {name} order by {orderBy}");
        }, "ordered_rows");
    }
}
