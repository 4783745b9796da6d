using System.Globalization;
using System.Text;
using BatchJobs.Core.Jobs;
using BatchJobs.Jobs;

namespace BatchJobs.Jobs.Tests;

/// <summary>A temp root with a tiny hand-written catalogue and raw event files, and a runner over the real contracts.</summary>
public sealed class TestWorld : IDisposable
{
    public TestWorld()
    {
        Root = Path.Combine(Path.GetTempPath(), "batchjobs-test-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path.Combine(Root, "raw", "catalog"));
        Runner = new JobRunner(Root, JobCatalog.LoadContracts(), JobCatalog.All);
        WriteCatalogue();
    }

    public string Root { get; }
    public JobRunner Runner { get; }

    /// <summary>Tracks t1..t40: artist a1 owns odd tracks, a2 even ones; every track lasts 200 s except t40 (20 s).</summary>
    public static long DurationOf(string track) => track == "t40" ? 20_000 : 200_000;

    public void WriteCatalogue()
    {
        var tracks = new StringBuilder("track_id,artist_id,album_id,title,genre,duration_ms,release_date\n");
        for (var i = 1; i <= 40; i++)
            tracks.Append(CultureInfo.InvariantCulture, $"t{i},a{(i % 2 == 1 ? 1 : 2)},al{i % 5},\"Song {i}, \"\"live\"\"\",pop,{DurationOf("t" + i)},2020-01-01\n");
        File.WriteAllText(Path.Combine(Root, "raw", "catalog", "tracks.csv"), tracks.ToString());
        File.WriteAllText(Path.Combine(Root, "raw", "catalog", "artists.csv"), "artist_id,name,genres\na1,Alpha,pop;rock\na2,Beta,pop\n");
    }

    /// <summary>Writes a raw CSV part for a day: the header, then the given lines verbatim.</summary>
    public string WriteEvents(DateOnly day, IEnumerable<string> lines, string part = "part-00000.csv")
    {
        var folder = Path.Combine(Root, "raw", "listening_events", "dt=" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, part);
        File.WriteAllText(path, "user_id,track_id,ts,ms_played,context,platform\n" + string.Join("\n", lines) + "\n");
        return path;
    }

    /// <summary>A valid event line.</summary>
    public static string Event(string user, string track, DateOnly day, int secondOfDay, long msPlayed, string platform = "ios") =>
        string.Create(CultureInfo.InvariantCulture,
            $"{user},{track},{day.ToDateTime(TimeOnly.MinValue).AddSeconds(secondOfDay):yyyy-MM-ddTHH:mm:ss.fff}Z,{msPlayed},playlist,{platform}");

    /// <summary>Many distinct valid events, to keep the reject rate of a corpus under the contract's threshold.</summary>
    public static IEnumerable<string> ValidEvents(DateOnly day, int count) =>
        Enumerable.Range(0, count).Select(i => Event("u" + (i % 7), "t" + (1 + i % 39), day, 100 + i, 180_000));

    public async Task<JobRunResult> RunAsync(string job, DateOnly date, bool force = false, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var result = await Runner.RunAsync(job, date, force, overrides, TextWriter.Null);
        TestContext.Out.WriteLine($"{job} {date}: {result.Status}: {result.Message}");
        return result;
    }

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
