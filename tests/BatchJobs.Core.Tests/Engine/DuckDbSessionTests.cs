using BatchJobs.Core.Contracts;
using BatchJobs.Core.Engine;
using BatchJobs.Core.Tests.Support;

namespace BatchJobs.Core.Tests.Engine;

public class DuckDbSessionTests
{
    private static readonly ColumnSpec[] Plays = [new("user_id", ColumnType.String, false), new("plays", ColumnType.Int64, false)];

    [Test]
    public async Task SessionsRunningAtOnceSeeOnlyTheirOwnViewsAndTables()
    {
        // Sessions share one database, so two checks of different datasets in the same process both bind a view named
        // 'candidate' and a table named 'accepted_values'; neither may see the other's.
        using var temp = new TempRoot();
        var files = new string[8];
        for (var i = 0; i < files.Length; i++)
        {
            files[i] = await TestTables.WriteAsync(temp.File($"d{i}", "part-00000.parquet"), Plays,
                Enumerable.Range(0, i + 1).Select(r => $"u{r}").ToArray(), Enumerable.Repeat((long)i, i + 1).ToArray());
        }

        var seen = await Task.WhenAll(files.Select((file, i) => Task.Run(() =>
        {
            using var db = new DuckDbSession();
            db.CreateParquetView("candidate", [file]);
            db.Execute("create or replace temp table accepted_values (value bigint)");
            db.Execute("insert into accepted_values values ($1)", (long)i);
            var counts = new List<(long Rows, long Matching)>();
            for (var repeat = 0; repeat < 20; repeat++)
            {
                var row = db.Query("select count(*), count(*) filter (where plays in (select value from accepted_values)) from candidate")[0];
                counts.Add((Convert.ToInt64(row[0]), Convert.ToInt64(row[1])));
            }
            return counts;
        })));

        for (var i = 0; i < files.Length; i++)
            Assert.That(seen[i], Is.All.EqualTo((i + 1L, i + 1L)), $"session {i} saw another session's view or table");
    }

    [Test]
    public void AViewOfAClosedSessionIsGone()
    {
        using (var first = new DuckDbSession()) first.Execute("create or replace temp view leftover as select 1 as x");
        using var second = new DuckDbSession();
        Assert.That(() => second.Scalar("select x from leftover"), Throws.Exception.With.Message.Contains("leftover"));
    }

    [Test]
    public void DuckDbSpillsPastItsMemoryLimitInsteadOfTakingTheMachine()
    {
        using var db = new DuckDbSession();

        Assume.That(Environment.GetEnvironmentVariable("BATCHJOBS_DUCKDB_MEMORY_LIMIT"), Is.Null.Or.Empty, "the default is what this test checks");
        Assert.That(DuckDbSession.MemoryLimit, Is.EqualTo("4GB"));
        Assert.That(db.Scalar("select current_setting('memory_limit')"), Is.EqualTo("3.7 GiB"), "4 GB, not DuckDB's 80 % of the machine");
        Assert.That((string)db.Scalar("select current_setting('temp_directory')")!, Does.Contain("batchjobs-duckdb-" + Environment.ProcessId));
    }
}
