using BatchJobs.Core.Contracts;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Tests.Support;

namespace BatchJobs.Core.Tests.Jobs;

public class JobGraphTests
{
    private const string Catalog = "publish-catalog";
    private const string Ingest = "ingest-listening-events";
    private const string Affinity = "user-track-affinity";
    private static readonly DateOnly Day = new(2026, 11, 28);

    private TempRoot temp = null!;

    [SetUp]
    public void SetUp() => temp = new TempRoot();

    [TearDown]
    public void TearDown() => temp.Dispose();

    private static JobGraph RealGraph() => new(ContractLoader.LoadDirectory(RepositoryRoot.GoldenDatasets));

    /// <summary>Writes one contract per (dataset, job, inputs) and loads them.</summary>
    private ContractCatalog Contracts(params (string Dataset, string Job, string[] Inputs)[] contracts)
    {
        foreach (var (dataset, job, inputs) in contracts)
            temp.Write($"contracts/{dataset}.yaml", TestContracts.Yaml(dataset, ["id string"], job: job,
                inputs: inputs.Length == 0 ? null : inputs.Select(i => "dataset: " + i)));
        return ContractLoader.LoadDirectory(Path.Combine(temp.Root, "contracts"));
    }

    [Test]
    public void TheRealJobsRunAfterWhatTheyRead()
    {
        var graph = RealGraph();

        Assert.That(graph.Order, Is.Unique);
        Assert.That(graph.Order, Is.SupersetOf(new[] { Catalog, Ingest, Affinity }));
        Assert.That(graph.Order.ToList().IndexOf(Catalog), Is.LessThan(graph.Order.ToList().IndexOf(Ingest)));
        Assert.That(graph.Order.ToList().IndexOf(Ingest), Is.LessThan(graph.Order.ToList().IndexOf(Affinity)));
        Assert.That(graph.UpstreamOf(Affinity), Is.EqualTo(new[] { Ingest }));
        Assert.That(graph.UpstreamOf(Ingest), Is.EqualTo(new[] { Catalog }));
        Assert.That(graph.UpstreamOf(Catalog), Is.Empty, "raw inputs have no producer");
    }

    [Test]
    public void APlanPullsInEveryDateOfAnInputWindowBackToTheEarliest()
    {
        var plan = RealGraph().Plan([Affinity], Day, earliest: Day.AddDays(-2));

        Assert.That(plan, Is.EqualTo(new[]
        {
            (Catalog, Day.AddDays(-2)), (Ingest, Day.AddDays(-2)),
            (Catalog, Day.AddDays(-1)), (Ingest, Day.AddDays(-1)),
            (Catalog, Day), (Ingest, Day), (Affinity, Day),
        }));
    }

    [Test]
    public void APlanCoversTheWholeWindowWhenHistoryAllows()
    {
        var plan = RealGraph().Plan([Affinity], Day, earliest: Day.AddDays(-100));

        Assert.That(plan.Count(r => r.Job == Ingest), Is.EqualTo(28), "the affinity contract's 28-day window");
        Assert.That(plan.Where(r => r.Job == Ingest).Min(r => r.Date), Is.EqualTo(Day.AddDays(-27)));
        Assert.That(plan.Count(r => r.Job == Catalog), Is.EqualTo(28), "each ingest reads that day's tracks");
        Assert.That(plan[^1], Is.EqualTo((Affinity, Day)));
    }

    [Test]
    public void APlanOfSeveralTargetsRunsEachJobAndDateOnce()
    {
        var plan = RealGraph().Plan([Affinity, Ingest, Catalog], Day, earliest: Day);

        Assert.That(plan, Is.EqualTo(new[] { (Catalog, Day), (Ingest, Day), (Affinity, Day) }));
    }

    [Test]
    public void APlanForADateBeforeTheEarliestIsEmpty() =>
        Assert.That(RealGraph().Plan([Affinity], Day.AddDays(-1), earliest: Day), Is.Empty);

    [Test]
    public void IndependentJobsAreOrderedByName()
    {
        var graph = new JobGraph(Contracts(("zeta", "z-job", []), ("alpha", "b-job", ["zeta"]), ("beta", "a-job", [])));

        Assert.That(graph.Order, Is.EqualTo(new[] { "a-job", "z-job", "b-job" }));
    }

    [Test]
    public void ACycleIsAContractErrorNamingTheJobs()
    {
        var catalog = Contracts(("first", "job-a", ["second"]), ("second", "job-b", ["first"]));

        var e = Assert.Throws<ContractException>(() => _ = new JobGraph(catalog))!;

        Assert.That(e.Field, Is.EqualTo("producer.inputs"));
        Assert.That(e.File, Does.EndWith("first.yaml"));
        Assert.That(e.Message, Does.Contain("jobs form a cycle: job-a -> job-b -> job-a"));
    }

    [Test]
    public void ACycleFurtherDownNamesOnlyTheJobsOnIt()
    {
        var catalog = Contracts(("start", "job-a", ["middle"]), ("middle", "job-b", ["last"]), ("last", "job-c", ["middle"]));

        var e = Assert.Throws<ContractException>(() => _ = new JobGraph(catalog))!;

        Assert.That(e.Message, Does.Contain("jobs form a cycle: job-b -> job-c -> job-b"));
    }

    [Test]
    public void AJobReadingEarlierPartitionsOfItsOwnDatasetIsNotACycle()
    {
        var graph = new JobGraph(Contracts(("running_totals", "sum-running", ["running_totals, window_days: 2"])));

        Assert.That(graph.Order, Is.EqualTo(new[] { "sum-running" }));
        Assert.That(graph.UpstreamOf("sum-running"), Is.Empty);
    }
}
