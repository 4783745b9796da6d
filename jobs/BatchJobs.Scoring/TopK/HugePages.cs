using System.Runtime.InteropServices;

namespace BatchJobs.Scoring.TopK;

/// <summary>
/// Asks Linux to back a large buffer that is about to be written for the first time with 2 MiB pages.
/// </summary>
/// <remarks>
/// The scorer's big buffers (packed items, candidate lists, the result) are fresh memory on every call, and a
/// first write pays one page fault per 4 KiB: on the machine of the benchmarks 16 MiB took 47-53 ms to touch,
/// 8-20 ms with 2 MiB pages (transparent huge pages in their common "madvise" setting). Advice only: where it
/// is not taken (another OS, huge pages disabled) nothing changes.
/// </remarks>
internal static unsafe partial class HugePages
{
    private const int HugePageBytes = 2 << 20;

    private const int MadviseHugePage = 14;

    /// <summary>Advises the whole 2 MiB pages inside <paramref name="bytes"/> bytes from <paramref name="start"/>.</summary>
    /// <returns>Whether a range was advised: buffers under two huge pages are left alone, as is any OS but Linux.</returns>
    public static bool Advise(void* start, long bytes)
    {
        if (!OperatingSystem.IsLinux() || bytes < 2L * HugePageBytes) return false;
        var first = ((nint)start + HugePageBytes - 1) & ~(nint)(HugePageBytes - 1);
        var end = ((nint)start + (nint)bytes) & ~(nint)(HugePageBytes - 1);
        return end > first && Madvise(first, (nuint)(end - first), MadviseHugePage) == 0;
    }

    /// <summary>Advises the pages of <paramref name="array"/>: for pinned or large-object arrays, which stay where they are.</summary>
    /// <returns>Whether a range was advised.</returns>
    public static bool Advise<T>(T[] array)
        where T : unmanaged
    {
        fixed (T* start = array) return Advise(start, (long)array.Length * sizeof(T));
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
