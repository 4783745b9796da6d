namespace BatchJobs.Core.Snapshots;

/// <summary>A published run: its folder and its manifest.</summary>
public sealed record PublishedSnapshot(string Dataset, DateOnly Partition, string RunId, string Directory, SnapshotManifest Manifest)
{
    /// <summary>Full paths of the data files, in manifest order.</summary>
    public IReadOnlyList<string> FilePaths => Manifest.Files.Select(f => Path.Combine(Directory, f.Path)).ToList();

    /// <summary>The lineage entry a consumer records for this snapshot.</summary>
    public InputSnapshot AsInput() => new() { Dataset = Dataset, Partition = SnapshotLayout.FormatDate(Partition), RunId = RunId };
}
