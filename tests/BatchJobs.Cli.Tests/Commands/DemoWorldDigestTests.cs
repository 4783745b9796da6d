using System.Globalization;
using BatchJobs.Core.Engine;
using BatchJobs.Core.Snapshots;

namespace BatchJobs.Cli.Tests.Commands;

/// <summary>
/// Guards every published dataset of the demo world against unintended change: the demo's own world (3,000 users,
/// 20,000 tracks, 28 days, seed 42) on a fixed end date, every job run, and each partition's rows digested in sorted
/// order. A deliberate change of output updates <c>demo-world-digests.txt</c> and says so in its commit.
/// </summary>
public class DemoWorldDigestTests
{
    private static readonly string ExpectedFile = Path.Combine(AppContext.BaseDirectory, "Commands", "demo-world-digests.txt");

    private string root = null!;

    [SetUp]
    public void SetUp() => root = Path.Combine(Path.GetTempPath(), "batchjobs-digest-" + Guid.NewGuid().ToString("N")[..10]);

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    [Test]
    public async Task Every_dataset_of_the_demo_world_has_the_rows_it_had()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var generated = await Program.RunAsync(["generate", "--root", root, "--users", "3000", "--tracks", "20000", "--artists", "2000",
            "--days", "28", "--end-date", "2026-11-30", "--seed", "42", "--bad-rows", "0.002"], output, error);
        Assert.That(generated, Is.EqualTo(0), error.ToString());
        Assert.That(await Program.RunAsync(["demo", "--root", root], output, error), Is.EqualTo(0), output + error.ToString());

        var actual = Digests(root);
        var expected = File.ReadAllLines(ExpectedFile).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        TestContext.Out.WriteLine(string.Join(Environment.NewLine, actual));
        Assert.That(actual, Is.EqualTo(expected), "a published dataset changed; if on purpose, replace the file's lines with those printed above");
    }

    /// <summary>One line per published partition: dataset, partition, rows and the SHA-256 of its rows as sorted text.</summary>
    public static List<string> Digests(string root)
    {
        var reader = new SnapshotReader(new SnapshotLayout(root));
        using var db = new DuckDbSession();
        var lines = new List<string>();
        foreach (var dataset in Directory.EnumerateDirectories(Path.Combine(root, "golden")).Select(Path.GetFileName).Order(StringComparer.Ordinal))
            foreach (var partition in reader.PublishedPartitions(dataset!))
            {
                var snapshot = reader.TryResolve(dataset!, partition)!;
                var files = DuckDbSession.FileList(snapshot.FilePaths);
                var row = db.Query($"select count(*), coalesce(sha256(string_agg(r, chr(10) order by r)), '') from (select cast(t as varchar) as r from read_parquet({files}, hive_partitioning = false) t)")[0];
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{dataset} dt={SnapshotLayout.FormatDate(partition)} {row[0]} {row[1]}"));
            }
        return lines;
    }
}
