using BatchJobs.Core.Snapshots;

namespace BatchJobs.Core.Tests.Support;

/// <summary>The invariants of the snapshot store that must hold at every instant, whatever crashed when.</summary>
public static class StoreAssert
{
    /// <summary>
    /// <c>_LATEST</c> (when present) names a run with <c>_SUCCESS</c>; every run folder below a partition has
    /// <c>_SUCCESS</c>, and every file its manifest lists is there with its size, SHA-256 and row count; no temp file of
    /// an atomic write is left beside <c>_LATEST</c>.
    /// </summary>
    public static async Task ConsistentAsync(SnapshotLayout layout, string dataset)
    {
        var folder = layout.DatasetDirectory(dataset);
        var pointer = layout.LatestPointer(dataset);
        if (File.Exists(pointer))
        {
            var named = Path.Combine(folder, File.ReadAllText(pointer).Trim());
            Assert.That(File.Exists(Path.Combine(named, SnapshotLayout.SuccessFile)), Is.True, $"_LATEST names {named}, which has no _SUCCESS");
        }
        Assert.That(Directory.Exists(folder) ? Directory.GetFiles(folder, "*.tmp-*") : [], Is.Empty, "temp files of an atomic write");
        if (!Directory.Exists(folder)) return;
        foreach (var partition in Directory.GetDirectories(folder, "dt=*"))
        {
            foreach (var run in Directory.GetDirectories(partition, "run=*"))
            {
                var success = Path.Combine(run, SnapshotLayout.SuccessFile);
                Assert.That(File.Exists(success), Is.True, $"{run} is in place without _SUCCESS: a reader could see a half-written run");
                var manifest = SnapshotManifest.FromJson(File.ReadAllText(success), success);
                Assert.That("run=" + manifest.RunId, Is.EqualTo(Path.GetFileName(run)));
                Assert.That("dt=" + manifest.Partition, Is.EqualTo(Path.GetFileName(partition)));
                SnapshotLayout.TryParseDate(manifest.Partition, out var date);
                var snapshot = new PublishedSnapshot(dataset, date, manifest.RunId, run, manifest);
                await SnapshotReader.VerifyAsync(snapshot, checksums: true);
                var rows = 0L;
                await foreach (var _ in SnapshotReader.ReadRowsAsync(snapshot)) rows++;
                Assert.That(rows, Is.EqualTo(manifest.RowCount), $"{run}: rows read against the manifest");
            }
        }
    }
}
