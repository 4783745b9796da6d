using BatchJobs.Generation.Events;
using BatchJobs.Generation.Output;
using BatchJobs.Generation.World;

namespace BatchJobs.Generation;

/// <summary>
/// Generates a synthetic but realistic listening world under a root folder: the catalogue
/// (<c>raw/catalog/tracks.csv</c>, <c>raw/catalog/artists.csv</c>), the users (<c>raw/users.csv</c>) and one
/// partition of raw listening events per day (<c>raw/listening_events/dt=YYYY-MM-DD/part-NNNNN.csv|parquet</c>).
/// </summary>
/// <remarks>
/// Deterministic: the same <see cref="WorldOptions"/> give byte-identical files whatever the degree of
/// parallelism, because every random choice is keyed by what it describes (artist, track, user, user-day,
/// day-part), never by the order of work. Streaming: events are produced and written in fixed-size batches, so
/// memory depends on the catalogue size, not on the number of events. Files are written under hidden temporary
/// names and renamed into place when complete; part files of the generated days left over from an earlier
/// generation with more parts or another format are removed. Other days' partitions are left alone.
/// </remarks>
public static class WorldGenerator
{
    private const int BatchRows = 1 << 14;

    /// <summary>Malformed-row kinds a typed Parquet file can hold (CSV uses every kind).</summary>
    public static readonly IReadOnlyList<BadRowKind> ParquetBadRowKinds =
    [
        BadRowKind.EmptyUserId, BadRowKind.EmptyTrackId, BadRowKind.UnknownTrackId, BadRowKind.TimestampOutsideDay,
        BadRowKind.NegativeMsPlayed, BadRowKind.MsPlayedTooLarge, BadRowKind.EmptyPlatform, BadRowKind.UnknownPlatform,
    ];

    /// <summary>Generates the world described by <paramref name="options"/>.</summary>
    /// <param name="options">What to generate; see <see cref="WorldOptions.Validate"/> for what is accepted.</param>
    /// <param name="progress">Receives snapshots from worker threads after each batch of rows and each file.</param>
    /// <param name="cancellationToken">Stops generation; files not yet complete are discarded.</param>
    /// <returns>The files written and the rows of each day by kind.</returns>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public static async Task<WorldSummary> GenerateAsync(
        WorldOptions options,
        IProgress<GenerationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid world options: " + string.Join(" ", errors), nameof(options));
        }

        string root = Path.GetFullPath(options.Root);
        Catalogue catalogue = CatalogueBuilder.Build(options);
        var ids = new EntityIds(options.Users, options.Tracks, options.Artists, catalogue.AlbumCount);
        BadRowKind[] kinds = options.Format == EventFileFormat.Csv ? Enum.GetValues<BadRowKind>() : [.. ParquetBadRowKinds];
        PartJob[] parts = PlanParts(options, root);
        string[] catalogueFiles = [RawLayout.TracksFile(root), RawLayout.ArtistsFile(root), RawLayout.UsersFile(root)];
        PrepareDayFolders(parts);

        var results = new PartResult[parts.Length];
        var counters = new ProgressCounters(
            (long)Math.Round(options.Users * options.EventsPerUserDay * options.Days * (1 + PartEventStream.DuplicateShare)),
            catalogueFiles.Length + parts.Length,
            progress);
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism > 0 ? options.MaxDegreeOfParallelism : Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };

        // Catalogue files first: they are the largest single items, so starting them early shortens the tail.
        await Parallel.ForEachAsync(Enumerable.Range(0, catalogueFiles.Length + parts.Length), parallel, async (item, ct) =>
        {
            switch (item)
            {
                case 0:
                    await CatalogueFilesWriter.WriteTracksAsync(catalogueFiles[0], catalogue, ids, ct);
                    break;
                case 1:
                    await CatalogueFilesWriter.WriteArtistsAsync(catalogueFiles[1], catalogue, ids, ct);
                    break;
                case 2:
                    await CatalogueFilesWriter.WriteUsersAsync(catalogueFiles[2], catalogue, options.Users, ids, ct);
                    break;
                default:
                    int index = item - catalogueFiles.Length;
                    results[index] = await WritePartAsync(parts[index], options, catalogue, ids, kinds, counters, ct);
                    break;
            }

            counters.FileCompleted();
        });

        RemoveStaleParts(parts);
        return Summarise(options, root, catalogue, catalogueFiles, parts, results, kinds);
    }

    private static async Task<PartResult> WritePartAsync(
        PartJob job,
        WorldOptions options,
        Catalogue catalogue,
        EntityIds ids,
        BadRowKind[] kinds,
        ProgressCounters counters,
        CancellationToken cancellationToken)
    {
        var simulator = new UserDaySimulator(catalogue, options.Seed, options.EventsPerUserDay);
        var stream = new PartEventStream(
            simulator, catalogue, options.Seed, job.Day, job.Part, job.UserStart, job.UserEnd, options.BadRowFraction, kinds);
        await using IEventPartWriter writer = options.Format == EventFileFormat.Csv
            ? new CsvEventPartWriter(job.Path, ids)
            : await ParquetEventPartWriter.CreateAsync(job.Path, ids, cancellationToken);
        var batch = new EventRow[BatchRows];
        int rows;
        while ((rows = stream.Fill(batch)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteAsync(batch.AsMemory(0, rows), cancellationToken);
            counters.RowsWritten(rows);
        }

        await writer.CommitAsync(cancellationToken);
        return new PartResult(stream.GoodEvents, stream.Duplicates, stream.BadByKind.ToArray());
    }

    /// <summary>
    /// Splits each day into parts by contiguous user ranges so that a part is expected to stay under
    /// <see cref="WorldOptions.MaxRowsPerPart"/>; the split depends only on the options, never on the machine.
    /// </summary>
    private static PartJob[] PlanParts(WorldOptions options, string root)
    {
        double expectedRowsPerDay = options.Users * options.EventsPerUserDay * (1 + PartEventStream.DuplicateShare);
        int partsPerDay = (int)Math.Clamp(Math.Ceiling(expectedRowsPerDay / options.MaxRowsPerPart), 1, options.Users);
        var jobs = new PartJob[options.Days * partsPerDay];
        for (int day = 0; day < options.Days; day++)
        {
            DateOnly date = options.StartDate.AddDays(day);
            string folder = RawLayout.EventPartitionFolder(root, date);
            for (int part = 0; part < partsPerDay; part++)
            {
                jobs[day * partsPerDay + part] = new PartJob(
                    day,
                    date,
                    part,
                    (int)((long)options.Users * part / partsPerDay),
                    (int)((long)options.Users * (part + 1) / partsPerDay),
                    Path.Combine(folder, RawLayout.EventPartFileName(part, options.Format)));
            }
        }

        return jobs;
    }

    /// <summary>Creates each day's folder and removes temporary files an interrupted earlier run left behind.</summary>
    private static void PrepareDayFolders(PartJob[] parts)
    {
        foreach (string folder in parts.Select(p => Path.GetDirectoryName(p.Path)!).Distinct())
        {
            Directory.CreateDirectory(folder);
            foreach (string temp in Directory.EnumerateFiles(folder, ".part-*.tmp"))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Removes part files of the generated days that this run did not write.</summary>
    private static void RemoveStaleParts(PartJob[] parts)
    {
        var written = parts.Select(p => p.Path).ToHashSet(StringComparer.Ordinal);
        foreach (string folder in parts.Select(p => Path.GetDirectoryName(p.Path)!).Distinct())
        {
            foreach (string file in Directory.EnumerateFiles(folder, "part-*"))
            {
                bool isPart = file.EndsWith(".csv", StringComparison.Ordinal) || file.EndsWith(".parquet", StringComparison.Ordinal);
                if (isPart && !written.Contains(file))
                {
                    File.Delete(file);
                }
            }
        }
    }

    private static WorldSummary Summarise(
        WorldOptions options,
        string root,
        Catalogue catalogue,
        string[] catalogueFiles,
        PartJob[] parts,
        PartResult[] results,
        BadRowKind[] kinds)
    {
        var days = new List<DaySummary>(options.Days);
        foreach (var day in parts.Select((job, i) => (job, result: results[i])).GroupBy(x => x.job.Day))
        {
            days.Add(new DaySummary
            {
                Date = day.First().job.Date,
                Files = day.Select(x => x.job.Path).ToArray(),
                GoodEvents = day.Sum(x => x.result.GoodEvents),
                Duplicates = day.Sum(x => x.result.Duplicates),
                BadRowsByKind = kinds.ToDictionary(k => k, k => day.Sum(x => x.result.BadByKind[(int)k])),
            });
        }

        return new WorldSummary
        {
            Root = root,
            Format = options.Format,
            Users = options.Users,
            Tracks = catalogue.TrackCount,
            Artists = catalogue.ArtistCount,
            Albums = catalogue.AlbumCount,
            TracksReleasedInWindow = catalogue.Tracks.Count(t => t.ReleaseDay >= 0),
            CatalogueFiles = catalogueFiles,
            Days = days,
        };
    }

    private sealed record PartJob(int Day, DateOnly Date, int Part, int UserStart, int UserEnd, string Path);

    private sealed record PartResult(long GoodEvents, long Duplicates, long[] BadByKind);

    /// <summary>Totals shared by the workers; each update reports a fresh snapshot.</summary>
    private sealed class ProgressCounters(long expectedRows, int filesTotal, IProgress<GenerationProgress>? progress)
    {
        private long _rows;
        private int _files;

        public void RowsWritten(int rows)
        {
            long total = Interlocked.Add(ref _rows, rows);
            progress?.Report(new GenerationProgress(total, expectedRows, Volatile.Read(ref _files), filesTotal));
        }

        public void FileCompleted()
        {
            int files = Interlocked.Increment(ref _files);
            progress?.Report(new GenerationProgress(Interlocked.Read(ref _rows), expectedRows, files, filesTotal));
        }
    }
}
