namespace BatchJobs.Cli.Tests.Commands;

/// <summary>The exit codes of DESIGN.md section 5, seen from outside the process.</summary>
public class ExitCodeTests
{
    private string root = null!;

    [SetUp]
    public void SetUp() => root = Path.Combine(Path.GetTempPath(), "batchjobs-exit-" + Guid.NewGuid().ToString("N")[..10]);

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    [TestCase("2026-1-5")]
    [TestCase("2026-02-30")]
    [TestCase("yesterday")]
    public void ADateThatIsNotStrictIsoIsAUsageError(string date)
    {
        var (exit, _, error) = CliProcess.Run("run", "publish-catalog", "--root", root, "--date", date);
        Assert.That(exit, Is.EqualTo(50));
        Assert.That(error, Does.Contain("use YYYY-MM-DD"));
    }

    [Test]
    public void AnUndeclaredJobOrDatasetIsAUsageErrorListingWhatIsDeclared()
    {
        var (exit, _, error) = CliProcess.Run("run", "../../etc/passwd", "--root", root, "--date", "2026-11-22");
        Assert.That(exit, Is.EqualTo(50));
        Assert.That(error, Does.Contain("is not a declared job; declared jobs: ").And.Contain("ingest-listening-events"));
        (exit, _, error) = CliProcess.Run("show", "no_such_dataset", "--root", root);
        Assert.That(exit, Is.EqualTo(50));
        Assert.That(error, Does.Contain("declared datasets:"));
    }

    [Test]
    public void AnUnknownOptionIsAUsageError()
    {
        var (exit, _, error) = CliProcess.Run("run", "publish-catalog", "--root", root, "--date", "2026-11-22", "--frobnicate");
        Assert.That(exit, Is.EqualTo(50));
        Assert.That(error, Does.Contain("--frobnicate"));
    }

    [Test]
    public void MissingInputsAreNotReady()
    {
        var (exit, output, _) = CliProcess.Run("run", "publish-catalog", "--root", root, "--date", "2026-11-22");
        Assert.That(exit, Is.EqualTo(20));
        Assert.That(output, Does.Contain("waiting (exit 20)"));
    }

    [Test]
    public void AManualRunIsRecordedInTheRunHistory()
    {
        CliProcess.Run("run", "publish-catalog", "--root", root, "--date", "2026-11-22");
        var (exit, output, _) = CliProcess.Run("runs", "--root", root);
        Assert.That(exit, Is.EqualTo(0));
        Assert.That(output, Does.Contain("publish-catalog").And.Contain("manual").And.Contain("waiting"));
    }

    [Test]
    public void EveryCommandHasHelp()
    {
        foreach (var command in new[] { "generate", "run", "show", "demo" })
        {
            var (exit, output, _) = CliProcess.Run(command, "--help");
            Assert.That(exit, Is.EqualTo(0), command);
            Assert.That(output, Does.Contain("--root"), command);
        }
    }
}
