namespace BatchJobs.Cli.Tests.Commands;

public class PlanCommandTests
{
    private string root = null!;

    [SetUp]
    public void SetUp() => root = Path.Combine(Path.GetTempPath(), "batchjobs-plan-" + Guid.NewGuid().ToString("N")[..10]);

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    private async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await Program.RunAsync(args, output, error);
        TestContext.Out.WriteLine(output + error.ToString());
        return (exit, output + error.ToString());
    }

    [Test]
    public async Task Plan_prints_the_stages_the_input_runs_they_resolve_to_and_the_outputs()
    {
        Assert.That((await RunAsync("generate", "--root", root, "--users", "60", "--tracks", "300", "--artists", "30", "--days", "3",
            "--end-date", "2026-11-22", "--seed", "3")).Exit, Is.EqualTo(0));

        var (notReady, before) = await RunAsync("plan", "user-track-affinity", "--root", root, "--date", "2026-11-22");
        Assert.That(notReady, Is.EqualTo(20), "nothing is ingested yet");
        Assert.That(before, Does.Contain("listening_events dt=2026-11-22 is not published yet"));

        Assert.That((await RunAsync("demo", "--root", root)).Exit, Is.EqualTo(0));
        var filesBefore = Directory.GetFileSystemEntries(root, "*", SearchOption.AllDirectories).Order().ToList();
        var (exit, text) = await RunAsync("plan", "user-track-affinity", "--root", root, "--date", "2026-11-22", "--param", "skip_discount=0.25");

        Assert.That(exit, Is.EqualTo(0));
        Assert.That(text, Does.Contain("plan of user-track-affinity for 2026-11-22"));
        Assert.That(text, Does.Contain("listening_events (3 runs): user_id string, track_id string"));
        Assert.That(text, Does.Match(@"dt=2026-11-20 run=\d{8}T\d{9}Z-[0-9a-f]{6} \(\d+ rows\)"));
        Assert.That(text, Does.Contain("affinity_window (inline, 3 rows): dt date, recency_weight double"));
        Assert.That(text, Does.Contain("1. user_track_affinity: sql"));
        Assert.That(text, Does.Contain("user_track_affinity <- user_track_affinity: user_id string, track_id string, plays int64"));
        Assert.That(Directory.GetFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(), Is.EqualTo(filesBefore), "a plan stages and runs nothing");
        Assert.That(Directory.GetDirectories(Path.Combine(root, "golden"), "stages-run=*", SearchOption.AllDirectories), Is.Empty, "runs remove their stages' files");
    }

    [Test]
    public async Task Plan_of_an_unknown_job_is_a_usage_error()
    {
        var (exit, text) = await RunAsync("plan", "no-such-job", "--root", root, "--date", "2026-11-22");

        Assert.That(exit, Is.EqualTo(50));
        Assert.That(text, Does.Contain("no-such-job"));
    }
}
