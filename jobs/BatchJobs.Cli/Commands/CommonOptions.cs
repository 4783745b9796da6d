using System.CommandLine;
using BatchJobs.Core;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Snapshots;
using BatchJobs.Jobs;

namespace BatchJobs.Cli.Commands;

/// <summary>Options every command shares, and the strict parsing of dates.</summary>
public static class CommonOptions
{
    public static Option<string> Root() => new("--root")
    {
        Description = "The data folder: raw/ inputs and golden/ snapshots live below it.",
        DefaultValueFactory = _ => "./data",
    };

    public static Option<string> Contracts() => new("--contracts")
    {
        Description = "The folder of Golden Dataset contracts (*.yaml). Defaults to the contracts shipped with the tool.",
        DefaultValueFactory = _ => JobCatalog.DefaultContractsDirectory,
    };

    public static Option<string> Date(string description, bool required) => new("--date")
    {
        Description = description + " (YYYY-MM-DD).",
        Required = required,
    };

    /// <summary>Parses a strict <c>YYYY-MM-DD</c> date given for <paramref name="option"/>.</summary>
    /// <exception cref="UsageException">The text is anything else.</exception>
    public static DateOnly ParseDate(string text, string option) => SnapshotLayout.TryParseDate(text, out var date)
        ? date
        : throw new UsageException($"{option} '{text}' is not a date; use YYYY-MM-DD, e.g. 2026-11-22");

    public static ContractCatalog LoadContracts(string directory) => JobCatalog.LoadContracts(directory);
}
