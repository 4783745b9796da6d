using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace BatchJobs.Core.Snapshots;

/// <summary>
/// The <c>_SUCCESS</c> file of a published run: what it is, where it came from, what it holds and how it was
/// checked. Written last, so its presence means the run is complete.
/// </summary>
public sealed record SnapshotManifest
{
    public required string Dataset { get; init; }
    public required string Partition { get; init; }
    public required string RunId { get; init; }
    public required string Job { get; init; }
    public required int ContractVersion { get; init; }
    public required string ContractSha256 { get; init; }
    public required string CodeVersion { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Hash of the inputs, parameters and contract: a rerun with the same fingerprint is a no-op.</summary>
    public required string InputFingerprint { get; init; }

    public required IReadOnlyDictionary<string, string> Parameters { get; init; }
    public required IReadOnlyList<InputSnapshot> Inputs { get; init; }
    public required IReadOnlyList<ManifestFile> Files { get; init; }
    public required IReadOnlyList<ManifestColumn> Schema { get; init; }
    public required long RowCount { get; init; }
    public required IReadOnlyList<CheckResult> Checks { get; init; }

    /// <summary>Named counts of the run (e.g. input, accepted, duplicate and rejected rows) that checks can use.</summary>
    public IReadOnlyDictionary<string, double> Statistics { get; init; } = new Dictionary<string, double>();

    /// <summary>Free-form job figures (hyper-parameters, loss curves, evaluation metrics).</summary>
    public JsonObject? Metrics { get; init; }

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static SnapshotManifest FromJson(string json, string file) =>
        JsonSerializer.Deserialize<SnapshotManifest>(json, JsonOptions)
        ?? throw new InvalidDataException($"{file}: empty manifest");
}

/// <summary>
/// One input a run consumed: a published Golden Dataset run, or raw files (named with size and modification time).
/// </summary>
public sealed record InputSnapshot
{
    public string? Dataset { get; init; }
    public string? Partition { get; init; }
    public string? RunId { get; init; }
    public string? RawPath { get; init; }
    public IReadOnlyList<RawFile>? RawFiles { get; init; }
}

public sealed record RawFile(string Name, long Bytes, DateTime ModifiedAt);

public sealed record ManifestFile(string Path, long Rows, long Bytes, string Sha256);

public sealed record ManifestColumn(string Name, string Type, bool Nullable);

public enum CheckStatus
{
    Passed,
    Failed,
}

/// <summary>The outcome of one quality check.</summary>
public sealed record CheckResult(string Name, string Type, Contracts.Severity Severity, CheckStatus Status, string Detail)
{
    public bool Blocks => Status == CheckStatus.Failed && Severity == Contracts.Severity.Error;
}
