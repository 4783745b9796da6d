using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace BatchJobs.Jobs.Playlists;

/// <summary>
/// Describes an optional raw file a job looked up below the root (not a declared input, so the runner neither records
/// it in the lineage nor fingerprints it): its path and SHA-256, or that it was absent, for the manifest's metrics.
/// </summary>
public static class OptionalRawFile
{
    public static JsonObject Describe(string root, string relativePath)
    {
        var path = Path.Combine(root, relativePath);
        if (!File.Exists(path)) return new JsonObject { ["path"] = relativePath, ["present"] = false };
        using var stream = File.OpenRead(path);
        return new JsonObject
        {
            ["path"] = relativePath,
            ["present"] = true,
            ["bytes"] = stream.Length,
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(stream)),
        };
    }
}
