using System.Text.Json.Nodes;
using BatchJobs.Core.Contracts;

namespace BatchJobs.Core.Snapshots;

/// <summary>
/// A run being written: a private folder on the same file system as its final place. The job writes its Parquet
/// files here and sets the statistics checks need; <see cref="SnapshotPublisher"/> turns it into a published run.
/// </summary>
public sealed class StagedSnapshot
{
    internal StagedSnapshot(DatasetContract contract, DateOnly partition, string runId, string directory)
    {
        Contract = contract;
        Partition = partition;
        RunId = runId;
        Directory = directory;
    }

    public DatasetContract Contract { get; }
    public DateOnly Partition { get; }
    public string RunId { get; }
    public string Directory { get; }

    /// <summary>Named counts that <c>balance</c> and <c>max_ratio</c> checks read; recorded in the manifest.</summary>
    public Dictionary<string, double> Statistics { get; } = new(StringComparer.Ordinal);

    /// <summary>Free-form figures recorded in the manifest.</summary>
    public JsonObject? Metrics { get; set; }

    /// <summary>The path for a data file of this run, e.g. <c>part-00000.parquet</c>.</summary>
    public string FilePath(string name) => Path.Combine(Directory, name);
}
