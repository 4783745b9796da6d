using BatchJobs.Core.Contracts;

namespace BatchJobs.Core.Snapshots;

/// <summary>
/// Removes what a contract's retention no longer keeps: partitions older than the retention counted back from the
/// newest published partition, and runs superseded by a newer published run of the same partition. Never removes the
/// run <c>_LATEST</c> names.
/// </summary>
public static class SnapshotRetention
{
    /// <returns>The run folders removed.</returns>
    public static IReadOnlyList<string> Apply(SnapshotLayout layout, SnapshotReader reader, DatasetContract contract)
    {
        var latest = reader.TryResolveLatest(contract.Name);
        if (latest is null) return [];
        var keepLatest = Path.GetFullPath(latest.Directory);
        var oldestKept = DateOnly.FromDateTime(latest.Partition.ToDateTime(TimeOnly.MinValue) - contract.Slo.Retention);
        var removed = new List<string>();
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
        return removed;
    }
}
