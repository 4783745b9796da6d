using System.Diagnostics;

namespace BatchJobs.Scheduler.Tests.Support;

/// <summary>Runs the built <c>batchjobs</c> tool as a real process, the way cron runs it.</summary>
public static class CliProcess
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => Task.Run(() =>
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "batchjobs.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3))) process.Kill(entireProcessTree: true);
        return (process.ExitCode, output.Result, error.Result);
    });
}
