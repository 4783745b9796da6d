using BatchJobs.Core.Engine;

namespace BatchJobs.Jobs.Tests.Support;

/// <summary>
/// dbt-style given/expect for one SQL stage alone: the given relations are tiny views written as SQL, the model's
/// rows come back sorted as text, one string per row, so an expectation reads like the table it describes.
/// </summary>
public static class SqlModel
{
    /// <param name="file">The stage's file below the Jobs project, e.g. <c>Embeddings/user_index.sql</c>.</param>
    /// <param name="given">Each input relation's name and a query that makes its rows.</param>
    public static List<string> Run(string file, params (string Name, string Rows)[] given)
    {
        using var db = new DuckDbSession();
        foreach (var (name, rows) in given) db.Execute($"create or replace temp view {DuckDbSession.Quote(name)} as {rows}");
        return db.Query($"select cast(t as varchar) from ({SqlResources.Load(file)}) t").Select(r => (string)r[0]!).Order(StringComparer.Ordinal).ToList();
    }
}
