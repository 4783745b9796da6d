using System.Text.Json;
using BatchJobs.Jobs;
using BatchJobs.Scheduler.Dag;
using BatchJobs.Scheduler.Execution;
using BatchJobs.Scheduler.Export;
using BatchJobs.Scheduler.Tests.Support;

namespace BatchJobs.Scheduler.Tests.Export;

public class AirflowExporterTests
{
    private static readonly string Stub = Path.Combine(AppContext.BaseDirectory, "Export", "AirflowStub");
    private TempFolder folder = null!;
    private ScheduledDag dag = null!;

    [SetUp]
    public void SetUp()
    {
        folder = new TempFolder();
        // The jobs of the tiny world, plus the model evaluation, whose input a week back is a sensor with an offset.
        var contracts = TinyWorld.WriteContracts(Path.Combine(folder.Path, "contracts"));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "golden-datasets", "model_evaluation.yaml"), Path.Combine(contracts, "model_evaluation.yaml"));
        dag = ScheduledDag.Build(JobCatalog.LoadContracts(contracts), JobCatalog.All.Select(j => j.Name));
    }

    [TearDown]
    public void TearDown() => folder.Dispose();

    [Test]
    public void TheDagFileCompilesAndHasADagPerScheduleATaskPerJobAndTheirDependencies()
    {
        var options = new AirflowExportOptions
        {
            Root = "/srv/batchjobs data", StartDate = new DateOnly(2026, 11, 1),
            Scheduler = new SchedulerOptions { Retry = new Dictionary<string, RetryPolicy> { ["train-embeddings"] = RetryPolicy.Default.WithMaxAttempts(5) } },
        };
        var file = Write(AirflowExporter.Export(dag, options));

        var compiled = Python.Run(null, "-m", "py_compile", file);
        using var structure = Load(file);

        Assert.That(compiled.ExitCode, Is.Zero, compiled.Error);
        var dags = structure.RootElement.EnumerateArray().ToList();
        Assert.That(dags.Select(d => d.GetProperty("schedule").GetString()), Is.EquivalentTo(dag.Jobs.Select(j => j.Schedule).Distinct()));
        Assert.That(dags.Select(d => d.GetProperty("timezone").GetString()), Has.All.EqualTo("UTC"));
        Assert.That(dags.Select(d => d.GetProperty("catchup").GetBoolean()), Has.All.False);
        Assert.That(dags.Select(d => d.GetProperty("start_date").GetString()), Has.All.EqualTo("2026-11-01T00:00:00+00:00"));
        var tasks = dags.SelectMany(d => d.GetProperty("tasks").EnumerateArray().Select(t => (Dag: d, Task: t))).ToList();
        var jobTasks = tasks.Where(t => t.Task.GetProperty("kind").GetString() == "BatchJobsOperator").ToList();
        Assert.That(jobTasks.Select(t => t.Task.GetProperty("task_id").GetString()), Is.EquivalentTo(dag.Jobs.Select(j => j.Name)));

        foreach (var job in dag.Jobs)
        {
            var (home, task) = jobTasks.Single(t => t.Task.GetProperty("task_id").GetString() == job.Name);
            Assert.That(home.GetProperty("schedule").GetString(), Is.EqualTo(job.Schedule));
            Assert.That(task.GetProperty("bash_command").GetString(), Does.Contain($"batchjobs run {job.Name} --date").And.Contain("'/srv/batchjobs data'"));
            Assert.That(task.GetProperty("retries").GetInt32(), Is.EqualTo(job.Name == "train-embeddings" ? 4 : RetryPolicy.Default.MaxAttempts - 1));
            Assert.That(task.GetProperty("retry_exponential_backoff").GetBoolean(), Is.True);
            Assert.That(task.GetProperty("retry_delay").GetDouble(), Is.EqualTo(RetryPolicy.Default.InitialDelay.TotalSeconds));
            foreach (var upstream in job.Upstream)
            {
                // Every dependency is an edge from the upstream task, or from a sensor on its run.
                var edges = task.GetProperty("upstream").EnumerateArray().Select(u => u.GetString()).ToList();
                var sensor = home.GetProperty("tasks").EnumerateArray().FirstOrDefault(t =>
                    t.GetProperty("kind").GetString() == "ExternalTaskSensor" && t.GetProperty("external_task_id").GetString() == upstream && edges.Contains(t.GetProperty("task_id").GetString()));
                Assert.That(edges.Contains(upstream) || sensor.ValueKind != JsonValueKind.Undefined, $"{job.Name} waits for {upstream}");
                if (sensor.ValueKind == JsonValueKind.Undefined) continue;
                Assert.That(sensor.GetProperty("external_dag_id").GetString(), Is.EqualTo(AirflowExporter.DagId(dag.Job(upstream).Schedule)));
                Assert.That(sensor.GetProperty("execution_delta").GetDouble(), Is.GreaterThan(0));
            }
        }
        var evaluation = jobTasks.Single(t => t.Task.GetProperty("task_id").GetString() == "evaluate-embeddings").Dag;
        var weekBack = evaluation.GetProperty("tasks").EnumerateArray().Single(t => t.TryGetProperty("external_task_id", out var id) && id.GetString() == "user-track-affinity");
        Assert.That(weekBack.GetProperty("execution_delta").GetDouble(), Is.EqualTo((TimeSpan.FromDays(7) + TimeSpan.FromHours(2)).TotalSeconds),
            "day D at 05:00 reads the affinity of D-7, published by the run at 03:00 on D-6");
    }

    [Test]
    public void DeadlineAlertsFireWhenTheSloWouldBeMissed()
    {
        var file = Write(AirflowExporter.Export(dag, new AirflowExportOptions { Root = "/data", StartDate = new DateOnly(2026, 11, 1) }));

        using var structure = Load(file);

        foreach (var job in dag.Jobs)
        {
            var home = structure.RootElement.EnumerateArray().Single(d => d.GetProperty("schedule").GetString() == job.Schedule);
            foreach (var contract in job.Produces)
            {
                var alert = home.GetProperty("deadlines").EnumerateArray()
                    .Single(d => d.GetProperty("kwargs").GetProperty("datasets").EnumerateArray().Any(s => s.GetString() == contract.Name));
                var partition = new DateOnly(2026, 11, 16);
                Assert.That(alert.GetProperty("reference").GetString(), Is.EqualTo("DAGRUN_LOGICAL_DATE"));
                Assert.That(alert.GetProperty("interval").GetDouble(), Is.EqualTo((job.ExpectedBy(contract, partition) - job.DueAt(partition)).TotalSeconds), contract.Name);
                Assert.That(alert.GetProperty("callback").GetString(), Is.EqualTo(AirflowExportOptions.DefaultAlertCallback));
            }
        }
    }

    [Test]
    public void TheSparkEngineCallsSparkSubmit()
    {
        var file = Write(AirflowExporter.Export(dag, new AirflowExportOptions { Root = "/data", StartDate = new DateOnly(2026, 11, 1), Engine = AirflowEngine.Spark }));

        using var structure = Load(file);

        var commands = structure.RootElement.EnumerateArray().SelectMany(d => d.GetProperty("tasks").EnumerateArray())
            .Where(t => t.TryGetProperty("bash_command", out _)).Select(t => t.GetProperty("bash_command").GetString()).ToList();
        Assert.That(commands, Has.Count.EqualTo(dag.Jobs.Count));
        Assert.That(commands, Has.All.StartWith("spark-submit.sh run "));
    }

    [Test]
    public void AWeeklyJobRunsWithTheSundayThatEndsTheWeekBeforeItsRun()
    {
        using var toy = new ToyPipeline(DateTimeOffset.UnixEpoch);
        var file = Write(AirflowExporter.Export(toy.Dag, new AirflowExportOptions { Root = "/data", StartDate = new DateOnly(2026, 11, 1) }));

        using var structure = Load(file);

        var commands = structure.RootElement.EnumerateArray().SelectMany(d => d.GetProperty("tasks").EnumerateArray())
            .Where(t => t.TryGetProperty("bash_command", out _)).ToDictionary(t => t.GetProperty("task_id").GetString()!, t => t.GetProperty("bash_command").GetString());
        Assert.That(commands["report"], Does.Contain("--date '{{ macros.ds_add(ds, -logical_date.isoweekday()) }}'"));
        Assert.That(commands["load"], Does.Contain("--date '{{ macros.ds_add(ds, -1) }}'"));
        var weekly = structure.RootElement.EnumerateArray().Single(d => d.GetProperty("dag_id").GetString() == AirflowExporter.DagId("0 6 * * 1"));
        Assert.That(weekly.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("kind").GetString() == "ExternalTaskSensor")
            .GetProperty("execution_delta").GetDouble(), Is.EqualTo(TimeSpan.FromHours(4).TotalSeconds), "the report's Monday 06:00 run waits for Monday 02:00's aggregate");
    }

    [TestCase(0, null)]
    [TestCase(20, "AirflowException")]
    [TestCase(1, "AirflowException")]
    [TestCase(50, "AirflowFailException")]
    public void TheOperatorFailsForGoodOnlyOnAPermanentFailure(int exitCode, string? raised)
    {
        var file = Write(AirflowExporter.Export(dag, new AirflowExportOptions { Root = "/data", StartDate = new DateOnly(2026, 11, 1) }));

        var run = Python.Run(Stub, Path.Combine(Stub, "harness.py"), file, "--exit-code", exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        using var result = JsonDocument.Parse(run.Output);
        if (raised is null) Assert.That(result.RootElement.GetProperty("command")[0].GetString(), Is.EqualTo("bash"));
        else Assert.That(result.RootElement.GetProperty("raised").GetString(), Is.EqualTo(raised));
    }

    [Test]
    public void TheCrontabRunsTickEveryFiveMinutesAndMailsOnlyMissedSlos()
    {
        var lines = CrontabExporter.Export(new CrontabOptions { Root = "/srv/data", Contracts = "/srv/contracts 50%", MaxParallel = 2 })
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToList();

        Assert.That(lines, Does.Contain("CRON_TZ=UTC"));
        var tick = lines.Single(l => l.Contains(" tick "));
        var slo = lines.Single(l => l.Contains(" slo "));
        Assert.That(tick, Does.StartWith("*/5 * * * * ").And.Contain("batchjobs tick --root /srv/data --contracts '/srv/contracts 50\\%' --max-parallel 2"));
        Assert.That(slo, Does.StartWith("*/15 * * * * ").And.EndWith("|| cat /srv/data/logs/slo.txt"), "prints, so cron mails, only when slo fails");
    }

    private string Write(string python)
    {
        var file = Path.Combine(folder.Path, "batchjobs_dags.py");
        File.WriteAllText(file, python);
        return file;
    }

    private static JsonDocument Load(string file)
    {
        var run = Python.Run(Stub, Path.Combine(Stub, "harness.py"), file);
        Assert.That(run.ExitCode, Is.Zero, run.Error);
        return JsonDocument.Parse(run.Output);
    }
}
