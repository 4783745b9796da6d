using System.CommandLine;
using System.Globalization;
using BatchJobs.Core;
using BatchJobs.Generation;
using Spectre.Console;

namespace BatchJobs.Cli.Commands;

/// <summary><c>batchjobs generate</c>: a synthetic, deterministic world of raw listening data.</summary>
public static class GenerateCommand
{
    public static Command Create(TextWriter output)
    {
        var root = CommonOptions.Root();
        var users = new Option<int>("--users") { Description = "Number of users.", DefaultValueFactory = _ => 3000 };
        var tracks = new Option<int>("--tracks") { Description = "Number of tracks.", DefaultValueFactory = _ => 20000 };
        var artists = new Option<int>("--artists") { Description = "Number of artists.", DefaultValueFactory = _ => 2000 };
        var days = new Option<int>("--days") { Description = "Number of daily partitions.", DefaultValueFactory = _ => 28 };
        var endDate = new Option<string>("--end-date") { Description = "The last day generated (YYYY-MM-DD); default yesterday (UTC)." };
        var seed = new Option<long>("--seed") { Description = "Seed of every random choice: the same seed gives the same files.", DefaultValueFactory = _ => 42 };
        var format = new Option<string>("--format") { Description = "Format of the event files.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "parquet");
        var badRows = new Option<double>("--bad-rows") { Description = "Fraction (0..1) of event rows made malformed, of many kinds.", DefaultValueFactory = _ => 0 };
        var command = new Command("generate", "Write a synthetic but realistic world: raw listening events per day, catalogue and users.")
        {
            root, users, tracks, artists, days, endDate, seed, format, badRows,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var end = parsed.GetValue(endDate) is { } text ? CommonOptions.ParseDate(text, "--end-date") : Yesterday();
            var options = new WorldOptions
            {
                Root = parsed.GetValue(root)!,
                Users = parsed.GetValue(users),
                Tracks = parsed.GetValue(tracks),
                Artists = parsed.GetValue(artists),
                Days = parsed.GetValue(days),
                EndDate = end,
                Seed = parsed.GetValue(seed),
                Format = parsed.GetValue(format) == "parquet" ? EventFileFormat.Parquet : EventFileFormat.Csv,
                BadRowFraction = parsed.GetValue(badRows),
            };
            var summary = await GenerateAsync(options, output, cancellationToken);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"generated {summary.Days.Count} days under {Path.GetFullPath(options.Root)}: {summary.Rows} event rows ({summary.GoodEvents} good, {summary.Duplicates} duplicates, {summary.BadRows} malformed), {summary.Users} users, {summary.Tracks} tracks, {summary.Artists} artists"));
            return ExitCodes.Done;
        });
        return command;
    }

    /// <summary>Validates the options and generates, with a progress bar on the console.</summary>
    public static async Task<WorldSummary> GenerateAsync(WorldOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var problems = options.Validate();
        if (problems.Count > 0) throw new UsageException("generate: " + string.Join(" ", problems));
        WorldSummary? summary = null;
        await ConsoleFor.Writer(output).Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask("generating event files");
            summary = await WorldGenerator.GenerateAsync(options, new Progress<GenerationProgress>(p =>
            {
                task.MaxValue = Math.Max(1, p.ExpectedEventRows);
                task.Value = Math.Min(p.EventRowsWritten, task.MaxValue);
            }), cancellationToken);
            task.Value = task.MaxValue;
        });
        return summary!;
    }

    public static DateOnly Yesterday() => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
}
