using System.Diagnostics;

namespace BatchJobs.Scheduler.Tests.Support;

/// <summary>Runs <c>python3</c> (on the machine; Airflow is not) and returns its exit code and output.</summary>
public static class Python
{
    public static (int ExitCode, string Output, string Error) Run(string? pythonPath, params string[] args)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        if (pythonPath is not null) start.Environment["PYTHONPATH"] = pythonPath;
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1))) process.Kill(entireProcessTree: true);
        return (process.ExitCode, output.Result, error.Result);
    }
}
