using System.Security.Cryptography;
using BatchJobs.Core.Checks;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Tables;

namespace BatchJobs.Core.Snapshots;

/// <summary>
/// The publish protocol of DESIGN.md section 4: stage every file, check, write the manifest last, rename the folder
/// into place, then replace <c>_LATEST</c> atomically. A crash at any instant leaves the previous snapshot readable.
/// </summary>
public sealed class SnapshotPublisher(SnapshotLayout layout, QualityCheckRunner checks, TimeProvider clock)
{
    /// <summary>Called after each protocol step; tests use it to inject a crash there.</summary>
    public Func<PublishStep, string, Task>? AfterStep { get; init; }

    public SnapshotLayout Layout { get; } = layout;

    /// <summary>Creates the staging folder of a new run.</summary>
    public StagedSnapshot Stage(DatasetContract contract, DateOnly partition, string runId)
    {
        var directory = Layout.StagingDirectory(contract.Name, partition, runId);
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        Directory.CreateDirectory(directory);
        return new StagedSnapshot(contract, partition, runId, directory);
    }

    /// <summary>
    /// Checks all staged snapshots of a run, then publishes all of them; if any blocking check fails, publishes none
    /// and moves every staged folder under <c>_failed/</c>.
    /// </summary>
    /// <returns>The manifests written, in the order given.</returns>
    /// <exception cref="BlockingCheckFailedException">A check of severity error failed.</exception>
    public async Task<IReadOnlyList<SnapshotManifest>> PublishAsync(IReadOnlyList<StagedSnapshot> staged, RunInfo run, CancellationToken cancellationToken = default)
    {
        var described = new List<List<ManifestFile>>();
        foreach (var snapshot in staged)
        {
            described.Add(await DescribeFilesAsync(snapshot, cancellationToken));
            await StepAsync(PublishStep.FilesWritten, snapshot);
        }
        var together = staged.Select((s, i) => (s, i)).ToDictionary(p => p.s.Contract.Name, p => (IReadOnlyList<string>)described[p.i].Select(f => p.s.FilePath(f.Path)).ToList());
        var manifests = new List<SnapshotManifest>();
        for (var i = 0; i < staged.Count; i++)
        {
            var snapshot = staged[i];
            var files = described[i];
            var results = await checks.RunAsync(snapshot.Contract, snapshot.Partition, together[snapshot.Contract.Name], snapshot.Statistics, together, run.Parameters, cancellationToken);
            manifests.Add(new SnapshotManifest
            {
                Dataset = snapshot.Contract.Name,
                Partition = SnapshotLayout.FormatDate(snapshot.Partition),
                RunId = run.RunId,
                Job = run.Job,
                ContractVersion = snapshot.Contract.Version,
                ContractSha256 = snapshot.Contract.Sha256,
                CodeVersion = run.CodeVersion,
                CreatedAt = clock.GetUtcNow(),
                InputFingerprint = run.InputFingerprint,
                Parameters = run.Parameters,
                Inputs = run.Inputs,
                Files = files,
                Schema = snapshot.Contract.Schema.Select(c => new ManifestColumn(c.Name, c.Type.ToName(), c.Nullable)).ToList(),
                RowCount = files.Sum(f => f.Rows),
                Checks = results,
                Statistics = new Dictionary<string, double>(snapshot.Statistics),
                Metrics = snapshot.Metrics,
            });
        }

        var blocking = manifests.SelectMany(m => m.Checks.Where(c => c.Blocks).Select(c => (m.Dataset, Check: c))).ToList();
        if (blocking.Count > 0)
        {
            var keptAt = staged.Select(KeepAside).ToList();
            var lines = blocking.Select(b => $"  {b.Dataset}: {b.Check.Name}: {b.Check.Detail}");
            throw new BlockingCheckFailedException(
                $"blocking checks failed; nothing was published (output kept at {string.Join(", ", keptAt)}):{Environment.NewLine}{string.Join(Environment.NewLine, lines)}",
                blocking.Select(b => b.Check).ToList(), keptAt);
        }
        foreach (var snapshot in staged) await StepAsync(PublishStep.Checked, snapshot);

        // Each step for every dataset before the next step, so a crash leaves the datasets of one run as close to each
        // other as the file system allows.
        for (var i = 0; i < staged.Count; i++)
        {
            await WriteAtomicallyAsync(staged[i].FilePath(SnapshotLayout.SuccessFile), manifests[i].ToJson(), cancellationToken);
            await StepAsync(PublishStep.ManifestWritten, staged[i]);
        }
        var runDirectories = new List<string>();
        foreach (var snapshot in staged)
        {
            var runDirectory = Layout.RunDirectory(snapshot.Contract.Name, snapshot.Partition, snapshot.RunId);
            Directory.CreateDirectory(Path.GetDirectoryName(runDirectory)!);
            Directory.Move(snapshot.Directory, runDirectory);
            runDirectories.Add(runDirectory);
            await StepAsync(PublishStep.Renamed, snapshot);
        }
        for (var i = 0; i < staged.Count; i++)
        {
            await PointLatestAsync(staged[i].Contract.Name, staged[i].Partition, runDirectories[i], cancellationToken);
            await StepAsync(PublishStep.LatestReplaced, staged[i]);
        }
        return manifests;
    }

    /// <summary>
    /// Points <c>_LATEST</c> at an already published run (repairing a crash between the rename and the pointer),
    /// unless it names that run or a newer partition.
    /// </summary>
    public Task EnsureLatestAsync(PublishedSnapshot snapshot, CancellationToken cancellationToken) =>
        PointLatestAsync(snapshot.Dataset, snapshot.Partition, snapshot.Directory, cancellationToken);

    /// <summary>
    /// Points <c>_LATEST</c> at a run unless it already names it or a newer partition: a backfill of an old date never
    /// moves serving backwards.
    /// </summary>
    private async Task PointLatestAsync(string dataset, DateOnly partition, string runDirectory, CancellationToken cancellationToken)
    {
        // Read-compare-replace under a lock, so two processes publishing different partitions cannot move it backwards.
        await using var latestLock = await LockAsync(Layout.LatestPointer(dataset) + ".lock", cancellationToken);
        var current = new SnapshotReader(Layout).TryResolveLatest(dataset);
        if (current is not null && (current.Partition > partition || Path.GetFullPath(current.Directory) == Path.GetFullPath(runDirectory))) return;
        var relative = Path.GetRelativePath(Layout.DatasetDirectory(dataset), runDirectory).Replace('\\', '/');
        await WriteAtomicallyAsync(Layout.LatestPointer(dataset), relative + "\n", cancellationToken);
    }

    private static async Task<FileStream> LockAsync(string path, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(10, cancellationToken);
            }
        }
    }

    private string KeepAside(StagedSnapshot snapshot)
    {
        var failed = Layout.FailedDirectory(snapshot.Contract.Name, snapshot.Partition, snapshot.RunId);
        Directory.CreateDirectory(Path.GetDirectoryName(failed)!);
        Directory.Move(snapshot.Directory, failed);
        return failed;
    }

    private static async Task<List<ManifestFile>> DescribeFilesAsync(StagedSnapshot snapshot, CancellationToken cancellationToken)
    {
        var files = new List<ManifestFile>();
        foreach (var path in Directory.EnumerateFiles(snapshot.Directory, "*.parquet").Order(StringComparer.Ordinal))
        {
            await using var stream = File.OpenRead(path);
            var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
            files.Add(new ManifestFile(Path.GetFileName(path), await ParquetRows.CountRowsAsync(path, cancellationToken), stream.Length, sha));
        }
        if (files.Count == 0)
            throw new InvalidOperationException($"{snapshot.Directory}: the job staged no Parquet file for {snapshot.Contract.Name}; a run always writes at least one part, even when empty");
        return files;
    }

    /// <summary>Writes a sibling temp file, flushes it to disk, then renames it over the target.</summary>
    public static async Task WriteAtomicallyAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temp = path + ".tmp-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8];
        await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(content.AsMemory(), cancellationToken);
            await writer.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    private Task StepAsync(PublishStep step, StagedSnapshot snapshot) =>
        AfterStep is null ? Task.CompletedTask : AfterStep(step, snapshot.Contract.Name);
}
