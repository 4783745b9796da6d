using System.Runtime.Intrinsics;

namespace BatchJobs.Cli.Benchmarks;

/// <summary>What a benchmark ran on, printed beside its figures.</summary>
public static class MachineInfo
{
    public static string Describe()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var simd = Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2" : "128-bit";
        return $"{Environment.ProcessorCount} cores, {cpu ?? "unknown CPU"}, {simd}, {Environment.OSVersion}, .NET {Environment.Version}";
    }
}
