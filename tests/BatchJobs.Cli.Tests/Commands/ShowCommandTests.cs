namespace BatchJobs.Cli.Tests.Commands;

public class ShowCommandTests
{
    private string root = null!;

    [OneTimeSetUp]
    public async Task PublishASmallWorld()
    {
        root = Path.Combine(Path.GetTempPath(), "batchjobs-show-" + Guid.NewGuid().ToString("N")[..10]);
        var sink = new StringWriter();
        Assert.That(await Program.RunAsync(["generate", "--root", root, "--users", "50", "--tracks", "500", "--artists", "50", "--days", "2", "--end-date", "2026-11-22", "--format", "parquet", "--bad-rows", "0.01"], sink, sink), Is.EqualTo(0), sink.ToString());
        Assert.That(await Program.RunAsync(["demo", "--root", root], sink, sink), Is.EqualTo(0), sink.ToString());
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    [Test]
    public async Task ShowReadsTheLatestSnapshotAndFiltersByUser()
    {
        var output = new StringWriter();
        Assert.That(await Program.RunAsync(["show", "user_track_affinity", "--root", root, "--user", "u000001", "--limit", "1000", "--verify"], output, output), Is.EqualTo(0), output.ToString());
        var text = output.ToString();
        Assert.That(text, Does.StartWith("user_track_affinity dt=2026-11-22 run="));
        var dataLines = text.Split('\n').Where(l => l.TrimStart().StartsWith("u0", StringComparison.Ordinal)).ToList();
        Assert.That(dataLines, Is.Not.Empty);
        Assert.That(dataLines, Has.All.Contains("u000001"));
    }

    [Test]
    public async Task ShowOfAPartitionThatIsNotPublishedSaysSo()
    {
        var output = new StringWriter();
        Assert.That(await Program.RunAsync(["show", "tracks", "--root", root, "--date", "2020-01-01"], output, output), Is.EqualTo(20));
        Assert.That(output.ToString(), Does.Contain("nothing published for 2020-01-01"));
    }
}
