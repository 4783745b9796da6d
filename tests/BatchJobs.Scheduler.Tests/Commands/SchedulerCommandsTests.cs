using System.Text.Json;
using BatchJobs.Cli;
using BatchJobs.Core;
using BatchJobs.Scheduler.Backfills;
using BatchJobs.Scheduler.History;
using BatchJobs.Scheduler.Slo;
using BatchJobs.Scheduler.Tests.Support;

namespace BatchJobs.Scheduler.Tests.Commands;

/// <summary><c>tick</c>, <c>slo</c>, <c>runs</c>, <c>backfill</c> and <c>export</c> as the command line runs them.</summary>
public class SchedulerCommandsTests
{
    private TempFolder folder = null!;
    private string contracts = null!;

    private string Root => folder.Path;

    private static string Day(int offset) => $"{TinyWorld.LastDay.AddDays(offset):yyyy-MM-dd}";

    [SetUp]
    public async Task SetUp()
    {
        folder = new TempFolder();
        await TinyWorld.CopyToAsync(Root);
        contracts = TinyWorld.WriteContracts(Path.Combine(Root, "contracts"));
    }

    [TearDown]
    public void TearDown() => folder.Dispose();

    [Test]
    public async Task TickThenSloRunsBackfillAndExportWorkOnTheSameRoot()
    {
        var tick = await RunAsync("tick", "--root", Root, "--contracts", contracts, "--now", $"{Day(1)}T06:00:00Z", "--start", Day(0));
        var slo = await RunAsync("slo", "--root", Root, "--contracts", contracts, "--now", $"{Day(1)}T06:30:00Z", "--json");
        var sloTable = await RunAsync("slo", "--root", Root, "--contracts", contracts, "--now", $"{Day(1)}T06:30:00Z");
        var runs = await RunAsync("runs", "--root", Root, "--job", "user-track-affinity", "--status", "succeeded");
        var plan = await RunAsync("backfill", "user_track_affinity", "--root", Root, "--contracts", contracts, "--from", Day(-2), "--to", Day(0), "--dry-run");
        var dagFile = Path.Combine(Root, "dags", "batchjobs.py");
        var airflow = await RunAsync("export", "airflow", "--root", Root, "--contracts", contracts, "--out", dagFile, "--start-date", Day(0));
        var crontab = await RunAsync("export", "crontab", "--root", Root, "--contracts", contracts);

        Assert.That(tick.ExitCode, Is.Zero, tick.Output);
        Assert.That(tick.Output, Does.Contain("user-track-affinity dt=" + Day(0)).And.Contain("succeeded (exit 0)"));

        Assert.That(slo.ExitCode, Is.EqualTo(SloReport.MissedExitCode), "the catalogue was due by 02:00 and published at 06:00");
        using var json = JsonDocument.Parse(slo.Output);
        var states = json.RootElement.GetProperty("datasets").EnumerateArray()
            .ToDictionary(d => d.GetProperty("dataset").GetString()!, d => d.GetProperty("partitions")[0].GetProperty("state").GetString());
        Assert.That(states["tracks"], Is.EqualTo("missed"));
        Assert.That(states["user_embeddings"], Is.EqualTo("met"), "expected by 08:00");
        Assert.That(sloTable.Output, Does.Contain("MISSED").And.Contain("expected by").And.Contain("Freshness of _LATEST"));

        Assert.That(runs.ExitCode, Is.Zero);
        Assert.That(runs.Output, Does.Contain("user-track-affinity").And.Contain("scheduled").And.Contain("1 run(s) shown"));

        Assert.That(plan.ExitCode, Is.Zero, plan.Output);
        Assert.That(plan.Output, Does.Contain($"run   user-track-affinity dt={Day(-2)}").And.Contain($"run   ingest-listening-events dt={Day(-2)}")
            .And.Contain($"skip  user-track-affinity dt={Day(0)}: published"));
        Assert.That(RunStore.Open(Root).FindOpenBackfill(["user-track-affinity"], TinyWorld.LastDay.AddDays(-2), TinyWorld.LastDay, ReprocessMode.None),
            Is.Null, "a dry run records nothing");

        Assert.That(airflow.ExitCode, Is.Zero, airflow.Output);
        var compiled = Python.Run(null, "-m", "py_compile", dagFile);
        Assert.That(compiled.ExitCode, Is.Zero, compiled.Error);
        Assert.That(File.ReadAllText(dagFile), Does.Contain("catchup=False").And.Contain("CronTriggerTimetable(\"0 3 * * *\", timezone=\"UTC\")"));

        Assert.That(crontab.ExitCode, Is.Zero);
        Assert.That(crontab.Output, Does.Contain("*/5 * * * * ").And.Contain(" tick --root ").And.Contain(" slo --root "));
    }

    [Test]
    public async Task ABackfillRunsTheRangeUpstreamFirstAndFinishes()
    {
        var backfill = await RunAsync("backfill", "user_track_affinity", "--root", Root, "--contracts", contracts, "--from", Day(-2), "--to", Day(0), "--max-parallel", "2");
        var again = await RunAsync("backfill", "user_track_affinity", "--root", Root, "--contracts", contracts, "--from", Day(-2), "--to", Day(0));

        Assert.That(backfill.ExitCode, Is.Zero, backfill.Output);
        Assert.That(backfill.Output, Does.Contain("finished: 9 partitions succeeded"));
        var runs = RunStore.Open(Root).Runs(limit: 100);
        Assert.That(runs.Select(r => r.Trigger), Has.All.EqualTo(RunTrigger.Backfill));
        Assert.That(runs.Select(r => r.Job).Distinct(), Is.EquivalentTo(new[] { "publish-catalog", "ingest-listening-events", "user-track-affinity" }));
        Assert.That(again.ExitCode, Is.Zero);
        Assert.That(again.Output, Does.Contain("0 target partitions, 0 upstream partitions, 3 target partitions skipped").And.Contain("nothing to backfill"));
    }

    [TestCase("tick", "--now", "yesterday")]
    [TestCase("tick", "--max-attempts", "0")]
    [TestCase("tick", "--max-attempts", "no-such-job=2")]
    [TestCase("tick", "--max-parallel", "0")]
    [TestCase("runs", "--status", "bogus")]
    [TestCase("slo", "--days", "0")]
    [TestCase("backfill", "no_such_dataset", "--from", "2026-11-16", "--to", "2026-11-18")]
    [TestCase("backfill", "tracks", "--from", "2026-11-18", "--to", "2026-11-16")]
    [TestCase("export", "airflow")]
    public async Task BadArgumentsArePermanentFailures(params string[] args)
    {
        var result = await RunAsync([.. args, "--root", Root, .. args[0] is "runs" ? Array.Empty<string>() : ["--contracts", contracts]]);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.PermanentFailure), result.Output + result.Error);
        Assert.That(result.Error, Does.StartWith("error:"));
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await Program.RunAsync(args, output, error);
        TestContext.Out.WriteLine($"$ batchjobs {string.Join(' ', args)}\n{output}{error}");
        return (exit, output.ToString(), error.ToString());
    }
}
