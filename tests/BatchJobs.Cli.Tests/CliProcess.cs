using System.Diagnostics;

namespace BatchJobs.Cli.Tests;

/// <summary>Runs the built <c>batchjobs</c> tool as a real process, the way cron or Airflow would.</summary>
public static class CliProcess
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "batchjobs.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(tool);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5))) process.Kill(entireProcessTree: true);
        return (process.ExitCode, output.Result, error.Result);
    }
}
