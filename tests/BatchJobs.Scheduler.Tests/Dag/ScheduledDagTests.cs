using BatchJobs.Core.Contracts;
using BatchJobs.Jobs;
using BatchJobs.Scheduler.Dag;
using BatchJobs.Scheduler.Tests.Support;

namespace BatchJobs.Scheduler.Tests.Dag;

public class ScheduledDagTests
{
    [Test]
    public void OrdersJobsUpstreamFirstFromTheContracts()
    {
        using var toy = new ToyPipeline(DateTimeOffset.UnixEpoch);

        Assert.That(toy.Dag.Jobs.Select(j => j.Name), Is.EqualTo(new[] { "load", "aggregate", "report" }));
        Assert.That(toy.Dag.Job("aggregate").Upstream, Is.EqualTo(new[] { "load" }));
        Assert.That(toy.Dag.Resolve("weekly_report").Name, Is.EqualTo("report"), "a dataset resolves to its producing job");
        Assert.That(toy.Dag.Jobs.Select(j => j.Rank), Is.Ordered);
    }

    [Test]
    public void TheShippedContractsBuildAgainstTheImplementedJobs()
    {
        var catalog = JobCatalog.LoadContracts(Path.Combine(AppContext.BaseDirectory, "golden-datasets"));

        var dag = ScheduledDag.Build(catalog, JobCatalog.All.Select(j => j.Name));

        Assert.That(dag.Jobs.Select(j => j.Name), Is.EquivalentTo(catalog.Jobs));
        foreach (var job in dag.Jobs)
            Assert.That(job.Upstream.Select(u => dag.Job(u).Rank), Has.All.LessThan(job.Rank), job.Name);
    }

    [Test]
    public void ACycleIsAStartUpErrorNamingTheJobs()
    {
        var catalog = Catalog(Yaml("a", "job-a", "- { dataset: b }"), Yaml("b", "job-b", "- { dataset: a }"));

        var error = Assert.Throws<ContractException>(() => ScheduledDag.Build(catalog, ["job-a", "job-b"]))!;

        Assert.That(error.Message, Does.Contain("cycle").And.Contain("job-a").And.Contain("job-b"));
    }

    [Test]
    public void ADatasetWhoseJobIsNotImplementedIsAStartUpErrorNamingIt()
    {
        var catalog = Catalog(Yaml("a", "job-a", "- raw: raw/a"), Yaml("b", "job-b", "- { dataset: a }"));

        var error = Assert.Throws<ContractException>(() => ScheduledDag.Build(catalog, ["job-a"]))!;

        Assert.That(error.Field, Is.EqualTo("producer.job"));
        Assert.That(error.Message, Does.Contain("'b'").And.Contain("job-b").And.Contain("nobody produces it"));
    }

    [Test]
    public void AJobReadingADatasetNoContractDeclaresIsAStartUpErrorNamingIt()
    {
        // Built without the loader's own reference check, as a catalogue assembled in code would be.
        var catalog = Catalog(Yaml("b", "job-b", "- { dataset: ghost }"));

        var error = Assert.Throws<ContractException>(() => ScheduledDag.Build(catalog, ["job-b"]))!;

        Assert.That(error.Field, Is.EqualTo("producer.inputs[0].dataset"));
        Assert.That(error.Message, Does.Contain("'ghost'").And.Contain("job-b"));
    }

    [Test]
    public void ADeadlineBeforeTheScheduleMakesThePartitionDueIsAStartUpError()
    {
        var catalog = Catalog(Yaml("a", "job-a", "- raw: raw/a", schedule: "0 5 * * *", deadline: "PT2H"));

        var error = Assert.Throws<ContractException>(() => ScheduledDag.Build(catalog, ["job-a"]))!;

        Assert.That(error.Field, Is.EqualTo("slo.deadline"));
        Assert.That(error.Message, Does.Contain("0 5 * * *"));
    }

    [TestCase("61 1 * * *")]
    [TestCase("0 0 30 2 *")]
    public void AScheduleThatIsNotCronOrNeverFiresIsAStartUpErrorNamingTheField(string schedule)
    {
        var error = Assert.Throws<ContractException>(() => ScheduledDag.Build(Catalog(Yaml("a", "job-a", "- raw: raw/a", schedule: schedule)), ["job-a"]))!;

        Assert.That(error.Field, Is.EqualTo("slo.schedule"));
        Assert.That(error.Message, Does.Contain(schedule));
    }

    [Test]
    public void DatasetsOfOneJobMustShareTheSchedule()
    {
        var catalog = Catalog(Yaml("a", "job-a", "- raw: raw/a", schedule: "0 1 * * *"), Yaml("b", "job-a", "- raw: raw/a", schedule: "0 2 * * *"));

        var error = Assert.Throws<ContractException>(() => ScheduledDag.Build(catalog, ["job-a"]))!;

        Assert.That(error.Field, Is.EqualTo("slo.schedule"));
        Assert.That(error.File, Does.EndWith("b.yaml"));
    }

    [Test]
    public void InputPartitionsCoverTheWindowOfEachInput()
    {
        using var toy = new ToyPipeline(DateTimeOffset.UnixEpoch);

        var aggregate = toy.Dag.InputPartitions(toy.Dag.Job("aggregate"), new DateOnly(2026, 11, 18)).Select(u => (u.Job.Name, u.Partition));
        var report = toy.Dag.InputPartitions(toy.Dag.Job("report"), new DateOnly(2026, 11, 16)).Select(u => u.Partition);

        Assert.That(aggregate, Is.EqualTo(new[] { ("load", new DateOnly(2026, 11, 16)), ("load", new DateOnly(2026, 11, 17)), ("load", new DateOnly(2026, 11, 18)) }));
        Assert.That(report, Is.EqualTo(Enumerable.Range(16, 7).Select(d => new DateOnly(2026, 11, d))), "the week of Monday 16 runs with Sunday 22 and reads its seven days");
    }

    private static ContractCatalog Catalog(params (string Name, string Yaml)[] files) =>
        new(files.Select(f => ContractLoader.Parse(f.Yaml, f.Name + ".yaml")).ToList());

    private static (string, string) Yaml(string name, string job, string inputs, string schedule = "0 1 * * *", string deadline = "PT6H") => (name, $"""
        name: {name}
        version: 1
        description: test
        owner: tests
        partitioning: daily
        schema:
          - {"{"} name: id, type: string, nullable: false {"}"}
        primary_key: [id]
        producer:
          job: {job}
          inputs:
            {inputs}
        slo:
          schedule: "{schedule}"
          deadline: {deadline}
          freshness: P2D
          retention: P30D
        """);
}
