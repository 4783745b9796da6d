using BatchJobs.Core.Jobs;
using BatchJobs.Core.Snapshots;
using BatchJobs.Core.Tables;
using Parquet;

namespace BatchJobs.Jobs.Ingest;

/// <summary>
/// <c>ingest-listening-events</c> → <c>listening_events</c> and <c>listening_events_rejects</c> (daily). Reads the raw
/// files of the day, validates every row against the day and that day's <c>tracks</c>, drops exact re-sends
/// (same user, track and timestamp; the first one wins, in file then line order), enriches with the artist and the
/// stream/skip flags, and publishes both datasets together. Every input row is accepted, a duplicate or rejected; the
/// contract checks that the three add up and that the reject rate stays under its threshold.
/// Consumers: user-track-affinity and everything downstream.
/// </summary>
public sealed class ListeningEventsIngestJob : IJob
{
    public const string RawEvents = "raw/listening_events/dt={date}";
    private const int RowGroupRows = 1 << 20;

    public string Name => "ingest-listening-events";

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        // Inputs
        var catalogue = await LoadCatalogueAsync(context.InputFiles("tracks"), cancellationToken);
        var platforms = context.Parameter("platforms").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var tolerance = context.IntParameter("duration_tolerance_ms");
        var files = context.RawFiles(RawEvents);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        // Transform: validate files in parallel (one validator each), then dedupe in file order so the result does not
        // depend on scheduling.
        var validated = await Task.WhenAll(files.Select(file => RawEventFileReader.ReadAsync(file,
            Path.GetRelativePath(context.Root, file).Replace('\\', '/'),
            new ListeningEventValidator(catalogue, context.Date, platforms, tolerance), cancellationToken)));
        var (accepted, duplicates) = Deduplicate(validated);
        var rejected = validated.SelectMany(v => v.Rejected).ToList();
        await context.Log.WriteLineAsync($"validated {validated.Sum(v => v.InputRows)} rows of {files.Count} files in {watch.Elapsed.TotalSeconds:F2} s");
        watch.Restart();

        // Outputs
        var events = context.Stage("listening_events");
        await WriteEventsAsync(events, accepted, cancellationToken);
        var rejects = context.Stage("listening_events_rejects");
        await WriteRejectsAsync(rejects, rejected, cancellationToken);
        var statistics = new Dictionary<string, double>
        {
            ["input_rows"] = validated.Sum(v => v.InputRows),
            ["accepted_rows"] = accepted.Count,
            ["duplicate_rows"] = duplicates,
            ["rejected_rows"] = rejected.Count,
        };
        foreach (var (key, value) in statistics)
        {
            events.Statistics[key] = value;
            rejects.Statistics[key] = value;
        }
        foreach (var reason in rejected.GroupBy(r => r.Field).OrderBy(g => g.Key, StringComparer.Ordinal))
            rejects.Statistics["rejected_" + reason.Key.Trim('(', ')')] = reason.Count();
        await context.Log.WriteLineAsync($"wrote {accepted.Count} events and {rejected.Count} rejects in {watch.Elapsed.TotalSeconds:F2} s");
        watch.Restart();
        await context.PublishAsync([events, rejects], cancellationToken);
        await context.Log.WriteLineAsync($"checked and published in {watch.Elapsed.TotalSeconds:F2} s");
    }

    private static async Task<TrackCatalogue> LoadCatalogueAsync(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var tracks = new Dictionary<string, (string, long)>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            await using var reader = await ParquetReader.CreateAsync(file, cancellationToken: cancellationToken);
            var fields = reader.Schema.DataFields;
            var trackField = fields.Single(f => f.Name == "track_id");
            var artistField = fields.Single(f => f.Name == "artist_id");
            var durationField = fields.Single(f => f.Name == "duration_ms");
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                var group = reader.OpenRowGroupReader(g);
                var rows = checked((int)group.RowCount);
                var ids = new string?[rows];
                var artists = new string?[rows];
                var durations = new long[rows];
                await group.ReadAsync(trackField, ids.AsMemory(), cancellationToken: cancellationToken);
                await group.ReadAsync(artistField, artists.AsMemory(), cancellationToken: cancellationToken);
                await group.ReadAsync<long>(durationField, durations.AsMemory(), cancellationToken: cancellationToken);
                for (var i = 0; i < rows; i++) tracks[ids[i]!] = (artists[i]!, durations[i]);
            }
        }
        return new TrackCatalogue(tracks);
    }

    private static (List<ListeningEvent> Accepted, long Duplicates) Deduplicate(IReadOnlyList<ValidatedFile> files)
    {
        var seen = new HashSet<(string, string, long)>(files.Sum(f => f.Accepted.Count));
        var accepted = new List<ListeningEvent>(seen.Capacity);
        long duplicates = 0;
        foreach (var file in files)
            foreach (var e in file.Accepted)
            {
                if (seen.Add((e.UserId, e.TrackId, e.PlayedAt.Ticks))) accepted.Add(e);
                else duplicates++;
            }
        return (accepted, duplicates);
    }

    /// <summary>
    /// Writes one part per core, each a contiguous slice of the events in order, so encoding runs on every core and the
    /// parts read back in the same order.
    /// </summary>
    private static Task WriteEventsAsync(StagedSnapshot staged, List<ListeningEvent> events, CancellationToken cancellationToken)
    {
        var parts = Math.Clamp(events.Count / (RowGroupRows / 4), 1, Environment.ProcessorCount);
        var slice = (events.Count + parts - 1) / parts;
        return Task.WhenAll(Enumerable.Range(0, parts).Select(part => Task.Run(() => WritePartAsync(staged.FilePath($"part-{part:00000}.parquet"),
            staged.Contract.Schema, events, part * slice, Math.Min(events.Count, (part + 1) * slice), cancellationToken), cancellationToken)));
    }

    private static async Task WritePartAsync(string path, IReadOnlyList<Core.Contracts.ColumnSpec> schema, List<ListeningEvent> events, int first, int end,
        CancellationToken cancellationToken)
    {
        await using var writer = await ParquetTableWriter.CreateAsync(path, schema, cancellationToken);
        var size = Math.Min(RowGroupRows, Math.Max(1, end - first));
        var users = new string[size];
        var tracks = new string[size];
        var artists = new string[size];
        var playedAt = new DateTime[size];
        var msPlayed = new long[size];
        var contexts = new string[size];
        var platforms = new string[size];
        var streams = new bool[size];
        var skips = new bool[size];
        var start = first;
        do
        {
            var rows = Math.Min(size, end - start);
            for (var i = 0; i < rows; i++)
            {
                var e = events[start + i];
                users[i] = e.UserId;
                tracks[i] = e.TrackId;
                artists[i] = e.ArtistId;
                playedAt[i] = e.PlayedAt;
                msPlayed[i] = e.MsPlayed;
                contexts[i] = e.Context;
                platforms[i] = e.Platform;
                streams[i] = e.IsStream;
                skips[i] = e.IsSkip;
            }
            await writer.WriteRowGroupAsync(rows, [users, tracks, artists, playedAt, msPlayed, contexts, platforms, streams, skips], cancellationToken);
            start += rows;
        }
        while (start < end);
    }

    private static async Task WriteRejectsAsync(StagedSnapshot staged, List<RejectedRow> rejected, CancellationToken cancellationToken)
    {
        await using var writer = await ParquetTableWriter.CreateAsync(staged.FilePath("part-00000.parquet"), staged.Contract.Schema, cancellationToken);
        await writer.WriteRowGroupAsync(rejected.Count,
        [
            rejected.Select(r => r.SourceFile).ToArray(),
            rejected.Select(r => r.LineNumber).ToArray(),
            rejected.Select(r => r.Field).ToArray(),
            rejected.Select(r => r.Reason).ToArray(),
            rejected.Select(r => r.RawRecord).ToArray(),
        ], cancellationToken);
    }
}
