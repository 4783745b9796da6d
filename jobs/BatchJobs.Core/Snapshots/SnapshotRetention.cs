using System.Globalization;
using BatchJobs.Core.Contracts;

namespace BatchJobs.Core.Snapshots;

/// <summary>
/// Removes what a contract's retention no longer keeps: partitions older than the retention counted back from the
/// newest published partition, runs superseded by a newer published run of the same partition, failed runs kept aside
/// under <c>_failed/</c> once their partition has expired, and staging folders abandoned by a run that died before
/// publishing. Never removes the run <c>_LATEST</c> names.
/// </summary>
public static class SnapshotRetention
{
    /// <summary>A staging folder older than this belongs to a run that died: no run stages for a day.</summary>
    public static readonly TimeSpan AbandonedStagingAge = TimeSpan.FromDays(1);

    /// <param name="layout">The store.</param>
    /// <param name="reader">Reads what is published.</param>
    /// <param name="contract">The dataset whose retention applies.</param>
    /// <param name="now">The current time, against which staging folders are aged (by their run id's timestamp).</param>
    /// <returns>The run folders removed.</returns>
    public static IReadOnlyList<string> Apply(SnapshotLayout layout, SnapshotReader reader, DatasetContract contract, DateTimeOffset now)
    {
        var removed = RemoveAbandonedStaging(layout, contract, now);
        var latest = reader.TryResolveLatest(contract.Name);
        if (latest is null) return removed;
        var keepLatest = Path.GetFullPath(latest.Directory);
        var oldestKept = DateOnly.FromDateTime(latest.Partition.ToDateTime(TimeOnly.MinValue) - contract.Slo.Retention);
        foreach (var partition in reader.PublishedPartitions(contract.Name))
        {
            var current = reader.TryResolve(contract.Name, partition)!;
            foreach (var run in Directory.EnumerateDirectories(layout.PartitionDirectory(contract.Name, partition), "run=*"))
            {
                var full = Path.GetFullPath(run);
                if (full == keepLatest) continue;
                var expired = partition < oldestKept;
                var superseded = full != Path.GetFullPath(current.Directory) && File.Exists(Path.Combine(run, SnapshotLayout.SuccessFile));
                if (!expired && !superseded) continue;
                Directory.Delete(run, recursive: true);
                removed.Add(full);
            }
            var folder = layout.PartitionDirectory(contract.Name, partition);
            if (!Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
        }
        removed.AddRange(RemoveExpiredFailures(layout, contract, oldestKept));
        return removed;
    }

    private static List<string> RemoveAbandonedStaging(SnapshotLayout layout, DatasetContract contract, DateTimeOffset now)
    {
        var removed = new List<string>();
        var staging = Path.Combine(layout.DatasetDirectory(contract.Name), "_staging");
        if (!Directory.Exists(staging)) return removed;
        foreach (var folder in Directory.EnumerateDirectories(staging))
        {
            // dt=YYYY-MM-DD-run=yyyyMMddTHHmmssfffZ-xxxxxx; a folder named otherwise is not ours to remove.
            var name = Path.GetFileName(folder);
            var run = name.IndexOf("-run=", StringComparison.Ordinal);
            if (run < 0 || name.Length < run + 5 + 19
                || !DateTime.TryParseExact(name.AsSpan(run + 5, 19), "yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var started)
                || now.UtcDateTime - started < AbandonedStagingAge)
                continue;
            Directory.Delete(folder, recursive: true);
            removed.Add(Path.GetFullPath(folder));
        }
        return removed;
    }

    private static List<string> RemoveExpiredFailures(SnapshotLayout layout, DatasetContract contract, DateOnly oldestKept)
    {
        var removed = new List<string>();
        var failed = Path.Combine(layout.DatasetDirectory(contract.Name), "_failed");
        if (!Directory.Exists(failed)) return removed;
        foreach (var partition in Directory.EnumerateDirectories(failed, "dt=*"))
        {
            if (!DateOnly.TryParseExact(Path.GetFileName(partition)[3..], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                || date >= oldestKept)
                continue;
            removed.AddRange(Directory.EnumerateDirectories(partition).Select(Path.GetFullPath));
            Directory.Delete(partition, recursive: true);
        }
        return removed;
    }
}
