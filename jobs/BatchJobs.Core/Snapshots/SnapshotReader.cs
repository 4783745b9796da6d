using System.Security.Cryptography;
using BatchJobs.Core.Tables;

namespace BatchJobs.Core.Snapshots;

/// <summary>
/// What serving (and every consumer job) uses to read Golden Datasets: it only ever follows <c>_LATEST</c> or run
/// folders that hold a <c>_SUCCESS</c> manifest, so a half-written run is never seen.
/// </summary>
/// <remarks>Safe to use from several threads; it holds no state beyond the layout.</remarks>
public sealed class SnapshotReader(SnapshotLayout layout)
{
    public SnapshotLayout Layout { get; } = layout;

    /// <summary>The run <c>_LATEST</c> names, or null when the dataset has never been published.</summary>
    public PublishedSnapshot? TryResolveLatest(string dataset)
    {
        var pointer = Layout.LatestPointer(dataset);
        if (!File.Exists(pointer)) return null;
        var relative = File.ReadAllText(pointer).Trim();
        var directory = Path.Combine(Layout.DatasetDirectory(dataset), relative);
        return TryLoad(dataset, directory)
            ?? throw new InvalidDataException($"{pointer} names '{relative}', which has no {SnapshotLayout.SuccessFile}; the store is damaged — restore the run folder or point _LATEST at a published run");
    }

    /// <summary>The newest published run of a partition, or null when the partition has none.</summary>
    public PublishedSnapshot? TryResolve(string dataset, DateOnly partition)
    {
        var directory = Layout.PartitionDirectory(dataset, partition);
        if (!Directory.Exists(directory)) return null;
        foreach (var run in Directory.EnumerateDirectories(directory, "run=*").Order(StringComparer.Ordinal).Reverse())
        {
            var snapshot = TryLoad(dataset, run);
            if (snapshot is not null) return snapshot;
        }
        return null;
    }

    /// <summary>Partitions that have at least one published run, oldest first.</summary>
    public IReadOnlyList<DateOnly> PublishedPartitions(string dataset)
    {
        var directory = Layout.DatasetDirectory(dataset);
        if (!Directory.Exists(directory)) return [];
        var partitions = new List<DateOnly>();
        foreach (var folder in Directory.EnumerateDirectories(directory, "dt=*"))
        {
            if (SnapshotLayout.TryParseDate(Path.GetFileName(folder)[3..], out var date) && TryResolve(dataset, date) is not null)
                partitions.Add(date);
        }
        partitions.Sort();
        return partitions;
    }

    /// <summary>
    /// Checks that every file the manifest lists is there with its size and, when <paramref name="checksums"/> is
    /// set, its SHA-256.
    /// </summary>
    /// <exception cref="InvalidDataException">A file is missing or differs from the manifest.</exception>
    public static async Task VerifyAsync(PublishedSnapshot snapshot, bool checksums, CancellationToken cancellationToken = default)
    {
        foreach (var file in snapshot.Manifest.Files)
        {
            var path = Path.Combine(snapshot.Directory, file.Path);
            var info = new FileInfo(path);
            if (!info.Exists) throw new InvalidDataException($"{path}: listed in the manifest but missing; the snapshot is damaged — rerun the job with --force");
            if (info.Length != file.Bytes) throw new InvalidDataException($"{path}: {info.Length} bytes, the manifest says {file.Bytes}; the snapshot is damaged — rerun the job with --force");
            if (!checksums) continue;
            await using var stream = File.OpenRead(path);
            var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
            if (hash != file.Sha256) throw new InvalidDataException($"{path}: SHA-256 {hash}, the manifest says {file.Sha256}; the snapshot is damaged — rerun the job with --force");
        }
    }

    /// <summary>Streams the rows of a snapshot (column names from the manifest schema).</summary>
    public static async IAsyncEnumerable<object?[]> ReadRowsAsync(PublishedSnapshot snapshot, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var path in snapshot.FilePaths)
            await foreach (var row in ParquetRows.ReadAsync(path, cancellationToken))
                yield return row;
    }

    private static PublishedSnapshot? TryLoad(string dataset, string runDirectory)
    {
        var success = Path.Combine(runDirectory, SnapshotLayout.SuccessFile);
        if (!File.Exists(success)) return null;
        var manifest = SnapshotManifest.FromJson(File.ReadAllText(success), success);
        if (!SnapshotLayout.TryParseDate(manifest.Partition, out var partition))
            throw new InvalidDataException($"{success}: partition '{manifest.Partition}' is not YYYY-MM-DD");
        return new PublishedSnapshot(dataset, partition, manifest.RunId, runDirectory, manifest);
    }
}
