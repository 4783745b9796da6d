using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BatchJobs.Benchmarks.Als;

/// <summary>What a benchmark figure depends on: core count, CPU model, the SIMD width the kernels use, runtime.</summary>
public sealed record MachineInfo(int Cores, string Cpu, string Simd, string Runtime)
{
    /// <summary>Describes the current machine (the CPU model from /proc/cpuinfo on Linux).</summary>
    public static MachineInfo Current()
    {
        var simd = Vector512.IsHardwareAccelerated ? "Vector512 (512-bit)"
            : Vector256.IsHardwareAccelerated ? "Vector256 (256-bit)"
            : Vector128.IsHardwareAccelerated ? "Vector128 (128-bit)" : "scalar";
        return new MachineInfo(Environment.ProcessorCount, CpuModel(), simd, RuntimeInformation.FrameworkDescription);
    }

    private static string CpuModel()
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (File.Exists(cpuInfo))
        {
            foreach (var line in File.ReadLines(cpuInfo))
            {
                if (!line.StartsWith("model name", StringComparison.Ordinal)) continue;
                var colon = line.IndexOf(':');
                if (colon >= 0) return line[(colon + 1)..].Trim();
            }
        }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
