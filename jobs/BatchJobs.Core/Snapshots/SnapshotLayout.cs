using System.Globalization;

namespace BatchJobs.Core.Snapshots;

/// <summary>
/// Where snapshots live below a root:
/// <c>golden/&lt;dataset&gt;/dt=YYYY-MM-DD/run=&lt;run-id&gt;/</c> with <c>_SUCCESS</c>, and <c>golden/&lt;dataset&gt;/_LATEST</c>.
/// Runs are staged under <c>_staging/</c> and failed runs are kept under <c>_failed/</c> of the dataset folder.
/// </summary>
public sealed class SnapshotLayout(string root)
{
    public const string SuccessFile = "_SUCCESS";
    public const string LatestFile = "_LATEST";

    public string Root { get; } = Path.GetFullPath(root);

    public string DatasetDirectory(string dataset) => Path.Combine(Root, "golden", dataset);

    public string PartitionDirectory(string dataset, DateOnly partition) =>
        Path.Combine(DatasetDirectory(dataset), "dt=" + FormatDate(partition));

    public string RunDirectory(string dataset, DateOnly partition, string runId) =>
        Path.Combine(PartitionDirectory(dataset, partition), "run=" + runId);

    public string StagingDirectory(string dataset, DateOnly partition, string runId) =>
        Path.Combine(DatasetDirectory(dataset), "_staging", $"dt={FormatDate(partition)}-run={runId}");

    public string FailedDirectory(string dataset, DateOnly partition, string runId) =>
        Path.Combine(DatasetDirectory(dataset), "_failed", "dt=" + FormatDate(partition), "run=" + runId);

    public string LatestPointer(string dataset) => Path.Combine(DatasetDirectory(dataset), LatestFile);

    public static string FormatDate(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Parses a strict <c>YYYY-MM-DD</c> date.</summary>
    public static bool TryParseDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>A new run id: UTC time first so ids sort by creation, then random hex so concurrent runs differ.</summary>
    public static string NewRunId(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..3]);
}
