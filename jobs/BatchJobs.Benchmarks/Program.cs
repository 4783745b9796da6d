using System.CommandLine;
using BatchJobs.Benchmarks.TopK;

namespace BatchJobs.Benchmarks;

/// <summary>
/// <c>batchjobs-bench</c>: benchmark programs that print their own figures (median of several runs,
/// peak memory, machine), with <c>--json</c> for one machine-readable line at the end.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("BatchJobs benchmarks: each prints its figures, and with --json one JSON object on the last line.");
        root.Add(TopKBenchmark.CreateCommand());
        root.Add(Als.AlsBenchmark.CreateCommand());
        root.Add(Playlists.PlaylistsBenchmark.CreateCommand());
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors) Console.Error.WriteLine(error.Message);
            return 50;
        }
        return await result.InvokeAsync();
    }
}
