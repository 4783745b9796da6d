using System.CommandLine;
using System.Globalization;
using BatchJobs.Core;
using BatchJobs.Core.Snapshots;
using BatchJobs.Core.Tables;
using Spectre.Console;

namespace BatchJobs.Cli.Commands;

/// <summary>
/// <c>batchjobs show DATASET</c>: rows of a published snapshot, read through the snapshot reader (never recomputed).
/// </summary>
public static class ShowCommand
{
    public static Command Create(TextWriter output)
    {
        var dataset = new Argument<string>("dataset") { Description = "A declared dataset, e.g. user_track_affinity." };
        var root = CommonOptions.Root();
        var contracts = CommonOptions.Contracts();
        var date = CommonOptions.Date("The partition to show instead of the one _LATEST names", required: false);
        var user = new Option<string>("--user") { Description = "Only rows of this user_id." };
        var track = new Option<string>("--track") { Description = "Only rows of this track_id (e.g. a track's neighbours in similar_tracks)." };
        var limit = new Option<int>("--limit") { Description = "At most this many rows.", DefaultValueFactory = _ => 20 };
        var verify = new Option<bool>("--verify") { Description = "Check every file's SHA-256 against the manifest first." };
        var command = new Command("show", "Print rows of a published snapshot (via _LATEST, or the given date).") { dataset, root, contracts, date, user, track, limit, verify };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var catalog = CommonOptions.LoadContracts(parsed.GetValue(contracts)!);
            var contract = catalog.Get(parsed.GetValue(dataset)!);
            var max = parsed.GetValue(limit);
            if (max < 0) throw new UsageException($"--limit {max} must be zero or more");
            var reader = new SnapshotReader(new SnapshotLayout(parsed.GetValue(root)!));
            var dateText = parsed.GetValue(date);
            var snapshot = dateText is null
                ? reader.TryResolveLatest(contract.Name)
                : reader.TryResolve(contract.Name, contract.PartitionOf(CommonOptions.ParseDate(dateText, "--date")));
            if (snapshot is null)
            {
                await output.WriteLineAsync($"{contract.Name}: nothing published{(dateText is null ? "" : " for " + dateText)} under {reader.Layout.Root}; run its job '{contract.Producer.Job}' first");
                return ExitCodes.InputsNotReady;
            }
            await SnapshotReader.VerifyAsync(snapshot, parsed.GetValue(verify), cancellationToken);
            var filters = new (string Column, string? Value)[] { ("user_id", parsed.GetValue(user)), ("track_id", parsed.GetValue(track)) };
            await PrintAsync(snapshot, filters.Where(f => f.Value is not null).Select(f => (f.Column, f.Value!)).ToList(), max, output, cancellationToken);
            return ExitCodes.Done;
        });
        return command;
    }

    /// <summary>Prints a snapshot's header line and up to <paramref name="max"/> rows that match every filter.</summary>
    /// <exception cref="UsageException">A filter names a column the dataset does not have.</exception>
    public static async Task PrintAsync(PublishedSnapshot snapshot, IReadOnlyList<(string Column, string Value)> filters, int max, TextWriter output, CancellationToken cancellationToken)
    {
        var columns = snapshot.Manifest.Schema.Select(c => c.Name).ToList();
        var indexed = filters.Select(f => (Index: columns.IndexOf(f.Column) is var index and >= 0 ? index
            : throw new UsageException($"--{f.Column.Replace("_id", "")}: {snapshot.Dataset} has no {f.Column} column"), f.Value)).ToList();
        await output.WriteLineAsync($"{snapshot.Dataset} dt={snapshot.Manifest.Partition} run={snapshot.RunId}: {snapshot.Manifest.RowCount} rows, contract v{snapshot.Manifest.ContractVersion}, created {snapshot.Manifest.CreatedAt:u}");
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in columns) table.AddColumn(Markup.Escape(column));
        var shown = 0;
        await foreach (var row in SnapshotReader.ReadRowsAsync(snapshot, cancellationToken))
        {
            if (shown >= max) break;
            if (indexed.Any(f => !Equals(row[f.Index], f.Value))) continue;
            table.AddRow(row.Select(v => Markup.Escape(Format(v))).ToArray());
            shown++;
        }
        ConsoleFor.Writer(output).Write(table);
        await output.WriteLineAsync($"{shown} row(s) shown");
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        DateTime t => t.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double d => d.ToString("0.####", CultureInfo.InvariantCulture),
        float f => f.ToString("0.####", CultureInfo.InvariantCulture),
        float[] v => "[" + string.Join(", ", v.Take(4).Select(x => x.ToString("0.###", CultureInfo.InvariantCulture))) + (v.Length > 4 ? $", … ({v.Length})" : "") + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
