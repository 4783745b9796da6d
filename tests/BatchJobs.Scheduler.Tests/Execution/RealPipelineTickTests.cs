using BatchJobs.Core.Contracts;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Snapshots;
using BatchJobs.Jobs;
using BatchJobs.Scheduler.Dag;
using BatchJobs.Scheduler.Execution;
using BatchJobs.Scheduler.History;
using BatchJobs.Scheduler.Slo;
using BatchJobs.Scheduler.Tests.Support;

namespace BatchJobs.Scheduler.Tests.Execution;

/// <summary>Ticks over the real jobs and contracts on a tiny generated world.</summary>
public class RealPipelineTickTests
{
    private TempFolder folder = null!;
    private string contracts = null!;
    private ContractCatalog catalog = null!;
    private ScheduledDag dag = null!;

    private string Root => folder.Path;

    [SetUp]
    public async Task SetUp()
    {
        folder = new TempFolder();
        await TinyWorld.CopyToAsync(Root);
        contracts = TinyWorld.WriteContracts(Path.Combine(Root, "contracts"));
        catalog = JobCatalog.LoadContracts(contracts);
        dag = ScheduledDag.Build(catalog, JobCatalog.All.Select(j => j.Name));
    }

    [TearDown]
    public void TearDown() => folder.Dispose();

    [Test]
    public async Task ADayOfTicksInFastForwardPublishesEverythingInOrder()
    {
        var day = TinyWorld.LastDay;
        var midnight = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var clock = new ManualClock(midnight);
        var store = RunStore.Open(Root);
        var ticker = new Ticker(dag, store, new JobRunner(Root, catalog, JobCatalog.All, clock: clock), new SchedulerOptions(), clock);
        var started = new List<(DateTimeOffset At, RunOutcome Outcome)>();

        for (var at = midnight; at < midnight.AddDays(1); at = at.AddMinutes(5))
        {
            clock.Set(at);
            var report = await ticker.TickAsync(day, null, CancellationToken.None);
            started.AddRange(report.Outcomes.Select(o => (at, o)));
        }

        Assert.That(started.Select(s => s.Outcome.Kind), Has.All.EqualTo(RunOutcomeKind.Succeeded), string.Join("\n", started.Select(s => s.Outcome.Describe())));
        Assert.That(started.Select(s => s.Outcome.Run.Job), Is.EquivalentTo(dag.Jobs.Select(j => j.Name)), "every job ran exactly once");
        foreach (var (at, outcome) in started)
        {
            var job = dag.Job(outcome.Run.Job);
            Assert.That(at, Is.EqualTo(job.DueAt(day)), $"{job.Name} started on the first tick at its due time");
            foreach (var upstream in job.Upstream)
                Assert.That(started.Single(s => s.Outcome.Run.Job == upstream).Outcome.Record!.Id, Is.LessThan(outcome.Record!.Id), $"{upstream} before {job.Name}");
        }
        var reader = new SnapshotReader(new SnapshotLayout(Root));
        foreach (var dataset in TinyWorld.Datasets)
            Assert.That(reader.TryResolveLatest(dataset)?.Partition, Is.EqualTo(day), dataset);
        var slo = new SloEvaluator(dag, reader, store).Report(midnight.AddDays(1), TimeSpan.FromDays(1));
        Assert.That(slo.Datasets.SelectMany(d => d.Partitions).Select(p => p.State), Has.All.EqualTo(SloState.Met));
        Assert.That(slo.Datasets.Select(d => d.Partitions.Count), Has.All.EqualTo(1));
        Assert.That(slo.ExitCode, Is.Zero);
        Assert.That(store.Runs(limit: 1000).Select(r => r.Polls), Has.All.EqualTo(1), "nothing had to wait: each job ran after its inputs");
    }

    [Test]
    public async Task TwoConcurrentTicksInTwoProcessesNeverRunAPartitionTwice()
    {
        string[] Tick(string now) => ["tick", "--root", Root, "--contracts", contracts, "--now", now, "--start", $"{TinyWorld.FirstDay:yyyy-MM-dd}", "--max-parallel", "2"];
        var now = $"{TinyWorld.LastDay.AddDays(1):yyyy-MM-dd}T06:00:00Z";

        var results = await Task.WhenAll(CliProcess.RunAsync(Tick(now)), CliProcess.RunAsync(Tick(now)));
        var afterwards = await CliProcess.RunAsync(Tick($"{TinyWorld.LastDay.AddDays(1):yyyy-MM-dd}T06:05:00Z"));

        foreach (var (exitCode, output, error) in results.Append(afterwards))
        {
            TestContext.Out.WriteLine(output);
            Assert.That(exitCode, Is.Zero, output + error);
        }
        var runs = RunStore.Open(Root).Runs(limit: 1000);
        var partitions = dag.Jobs.SelectMany(j => j.PartitionsBetween(TinyWorld.FirstDay, TinyWorld.LastDay).Select(p => (j.Name, p))).ToList();
        Assert.That(runs.Select(r => (r.Job, r.Partition)), Is.EquivalentTo(partitions), "one run per partition: none was started twice");
        Assert.That(runs.Select(r => r.Status), Has.All.EqualTo(RunStatus.Succeeded));
        var reader = new SnapshotReader(new SnapshotLayout(Root));
        foreach (var dataset in TinyWorld.Datasets)
            for (var date = TinyWorld.FirstDay; date <= TinyWorld.LastDay; date = date.AddDays(1))
                Assert.That(Directory.GetDirectories(reader.Layout.PartitionDirectory(dataset, date), "run=*"), Has.Length.EqualTo(1), $"{dataset} dt={date:yyyy-MM-dd} published once");
    }
}
