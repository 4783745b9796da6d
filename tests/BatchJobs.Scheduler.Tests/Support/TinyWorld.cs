using BatchJobs.Generation;

namespace BatchJobs.Scheduler.Tests.Support;

/// <summary>
/// A tiny generated world (50 users, 500 tracks, 50 artists, three days ending <see cref="LastDay"/>) for tests that
/// run the real jobs, generated once per test run and copied per test; and the real contracts of the jobs that run on
/// it without longer history.
/// </summary>
public static class TinyWorld
{
    /// <summary>The last generated day (a Wednesday).</summary>
    public static readonly DateOnly LastDay = new(2026, 11, 18);

    public static DateOnly FirstDay => LastDay.AddDays(-2);

    /// <summary>The datasets whose jobs run on three days of data (model evaluation needs a week of history).</summary>
    public static readonly IReadOnlyList<string> Datasets =
    [
        "tracks", "artists", "listening_events", "listening_events_rejects", "user_track_affinity", "user_embeddings", "track_embeddings", "artist_embeddings",
    ];

    private static readonly Lazy<Task<string>> Template = new(GenerateAsync);

    /// <summary>Copies the generated raw data into <paramref name="root"/>.</summary>
    public static async Task CopyToAsync(string root)
    {
        var template = await Template.Value;
        foreach (var file in Directory.EnumerateFiles(template, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(root, Path.GetRelativePath(template, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>Writes the contracts of <see cref="Datasets"/>, copied from the ones shipped beside the tool, into a folder.</summary>
    public static string WriteContracts(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var dataset in Datasets)
            File.Copy(Path.Combine(AppContext.BaseDirectory, "golden-datasets", dataset + ".yaml"), Path.Combine(folder, dataset + ".yaml"));
        return folder;
    }

    private static async Task<string> GenerateAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "batchjobs-scheduler-world-" + Guid.NewGuid().ToString("N")[..10]);
        await WorldGenerator.GenerateAsync(new WorldOptions { Root = root, Users = 50, Tracks = 500, Artists = 50, Days = 3, EndDate = LastDay, Seed = 11 });
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        };
        return root;
    }
}
