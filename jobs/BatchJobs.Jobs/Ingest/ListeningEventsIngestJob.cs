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
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var catalogue = await LoadCatalogueAsync(context.InputFiles("tracks"), cancellationToken);
        var platforms = context.Parameter("platforms").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var tolerance = context.IntParameter("duration_tolerance_ms");
        var files = context.RawFiles(RawEvents);
        await context.Log.WriteLineAsync($"loaded {catalogue.Count} tracks in {watch.Elapsed.TotalSeconds:F2} s");
        watch.Restart();

        // Transform: validate files in parallel (one validator each), then dedupe in file order so the result does not
        // depend on scheduling.
        var validated = await Task.WhenAll(files.Select(file => RawEventFileReader.ReadAsync(file,
            Path.GetRelativePath(context.Root, file).Replace('\\', '/'),
            new ListeningEventValidator(catalogue, context.Date, platforms, tolerance), cancellationToken)));
        var inputRows = validated.Sum(v => v.InputRows);
        var rejected = validated.SelectMany(v => v.Rejected).ToList();
        await context.Log.WriteLineAsync($"validated {inputRows} rows of {files.Count} files in {watch.Elapsed.TotalSeconds:F2} s");
        watch.Restart();
        var accepted = validated.SelectMany(v => v.Accepted).ToList();
        var duplicates = EventDeduplicator.Deduplicate(accepted, Environment.ProcessorCount);
        var acceptedRows = accepted.Sum(b => (long)b.Count);
        await context.Log.WriteLineAsync($"removed {duplicates} duplicates in {watch.Elapsed.TotalSeconds:F2} s");
        watch.Restart();

        // Outputs
        var events = context.Stage("listening_events");
        await WriteEventsAsync(events, accepted, catalogue, cancellationToken);
        var rejects = context.Stage("listening_events_rejects");
        await WriteRejectsAsync(rejects, rejected, cancellationToken);
        var statistics = new Dictionary<string, double>
        {
            ["input_rows"] = inputRows,
            ["accepted_rows"] = acceptedRows,
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
        await context.Log.WriteLineAsync($"wrote {acceptedRows} events and {rejected.Count} rejects in {watch.Elapsed.TotalSeconds:F2} s");
        watch.Restart();
        await context.PublishAsync([events, rejects], cancellationToken);
        await context.Log.WriteLineAsync($"checked and published in {watch.Elapsed.TotalSeconds:F2} s");
    }

    private static async Task<TrackCatalogue> LoadCatalogueAsync(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        var artists = new List<string>();
        var durations = new List<long>();
        foreach (var file in files)
        {
            await using var reader = await ParquetReader.CreateAsync(file, cancellationToken: cancellationToken);
            var fields = reader.Schema.DataFields;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                var group = reader.OpenRowGroupReader(g);
                var rows = checked((int)group.RowCount);
                var groupIds = new string?[rows];
                var groupArtists = new string?[rows];
                await group.ReadAsync(fields.Single(f => f.Name == "track_id"), groupIds.AsMemory(), cancellationToken: cancellationToken);
                await group.ReadAsync(fields.Single(f => f.Name == "artist_id"), groupArtists.AsMemory(), cancellationToken: cancellationToken);
                var groupDurations = await ParquetNumericColumns.ReadAsync<long>(group, fields.Single(f => f.Name == "duration_ms"), cancellationToken);
                ids.AddRange(groupIds!);
                artists.AddRange(groupArtists!);
                durations.AddRange(groupDurations);
            }
        }
        return new TrackCatalogue([.. ids], [.. artists], [.. durations]);
    }

    /// <summary>
    /// Writes one part per core, each a contiguous run of the batches in order, so encoding runs on every core and the
    /// parts read back in the same order.
    /// </summary>
    private static Task WriteEventsAsync(StagedSnapshot staged, List<EventBatch> batches, TrackCatalogue catalogue, CancellationToken cancellationToken)
    {
        var total = batches.Sum(b => (long)b.Count);
        var parts = (int)Math.Clamp(total / (RowGroupRows / 4), 1, Environment.ProcessorCount);
        var runs = new List<List<EventBatch>>();
        long written = 0;
        foreach (var batch in batches)
        {
            // A batch joins the next part once the parts so far hold their share of the rows.
            if (runs.Count == 0 || (runs.Count < parts && written >= total * runs.Count / parts)) runs.Add([]);
            runs[^1].Add(batch);
            written += batch.Count;
        }
        if (runs.Count == 0) runs.Add([]);
        return Task.WhenAll(runs.Select((run, part) => Task.Run(() => WritePartAsync(staged.FilePath($"part-{part:00000}.parquet"),
            staged.Contract.Schema, run, catalogue, cancellationToken), cancellationToken)));
    }

    private static async Task WritePartAsync(string path, IReadOnlyList<Core.Contracts.ColumnSpec> schema, List<EventBatch> batches, TrackCatalogue catalogue,
        CancellationToken cancellationToken)
    {
        await using var writer = await ParquetTableWriter.CreateAsync(path, schema, cancellationToken);
        var total = batches.Sum(b => (long)b.Count);
        var size = (int)Math.Min(RowGroupRows, Math.Max(1, total));
        var users = new string[size];
        var tracks = new string[size];
        var artists = new string[size];
        var playedAt = new DateTime[size];
        var msPlayed = new long[size];
        var contexts = new string[size];
        var platforms = new string[size];
        var streams = new bool[size];
        var skips = new bool[size];
        var rows = 0;
        foreach (var batch in batches)
            for (var i = 0; i < batch.Count; i++)
            {
                var track = batch.Tracks[i];
                var ms = batch.MsPlayed[i];
                users[rows] = batch.Users[i];
                tracks[rows] = catalogue.TrackIds[track];
                artists[rows] = catalogue.ArtistIds[track];
                playedAt[rows] = new DateTime(batch.PlayedAtTicks[i], DateTimeKind.Utc);
                msPlayed[rows] = ms;
                contexts[rows] = batch.Contexts[i];
                platforms[rows] = batch.Platforms[i];
                streams[rows] = ListeningEventValidator.IsStream(ms);
                skips[rows] = ListeningEventValidator.IsSkip(ms, catalogue.DurationsMs[track]);
                if (++rows == size) await Flush();
            }
        if (rows > 0 || total == 0) await Flush();

        async Task Flush()
        {
            await writer.WriteRowGroupAsync(rows, [users, tracks, artists, playedAt, msPlayed, contexts, platforms, streams, skips], cancellationToken);
            rows = 0;
        }
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
