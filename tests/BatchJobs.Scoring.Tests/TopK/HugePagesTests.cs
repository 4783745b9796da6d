using BatchJobs.Scoring.TopK;

namespace BatchJobs.Scoring.Tests.TopK;

public unsafe class HugePagesTests
{
    [Test]
    public void An_advised_buffer_is_backed_by_huge_pages_once_written()
    {
        const string setting = "/sys/kernel/mm/transparent_hugepage/enabled";
        if (!OperatingSystem.IsLinux() || !File.Exists(setting) || File.ReadAllText(setting).Contains("[never]"))
        {
            Assert.Ignore($"transparent huge pages are off or absent here ({setting}); the advice cannot be observed");
        }
        // Larger than anything else the tests allocate, so that it is fresh memory and not pages already written.
        var buffer = GC.AllocateUninitializedArray<float>(64 << 20 >> 2, pinned: true);

        HugePages.Advise(buffer);
        buffer.AsSpan().Fill(1f);

        fixed (float* start = buffer)
        {
            // Only the whole 2 MiB pages inside the buffer are advised, which splits them into a mapping of their own.
            var firstWholePage = ((nint)start + (2 << 20) - 1) & ~(nint)((2 << 20) - 1);
            Assert.That(AnonymousHugePageBytes(firstWholePage), Is.GreaterThanOrEqualTo(2 << 20),
                "the mapping holding the buffer's whole 2 MiB pages has no huge page after their first write");
        }
        Assert.That(buffer.All(value => value == 1f), Is.True);
    }

    [Test]
    public void A_buffer_under_two_huge_pages_is_left_alone_and_a_larger_one_is_advised()
    {
        var small = new int[1000];
        small.AsSpan().Fill(7);
        var justUnder = GC.AllocateUninitializedArray<byte>((4 << 20) - 1, pinned: true);

        Assert.That(HugePages.Advise(small), Is.False);
        Assert.That(HugePages.Advise(justUnder), Is.False, "under two huge pages there may be no whole one inside");
        Assert.That(small.All(value => value == 7), Is.True);
        if (OperatingSystem.IsLinux())
            Assert.That(HugePages.Advise(GC.AllocateUninitializedArray<byte>(8 << 20, pinned: true)), Is.True, "8 MiB holds at least three whole huge pages");
    }

    /// <summary>AnonHugePages of the mapping in /proc/self/smaps that contains <paramref name="address"/>.</summary>
    private static long AnonymousHugePageBytes(nint address)
    {
        var inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var dash = line.IndexOf('-');
            if (dash > 0 && line.IndexOf(' ') > dash && IsHex(line.AsSpan(0, dash)))
            {
                var bounds = line[..line.IndexOf(' ')].Split('-');
                var from = Convert.ToUInt64(bounds[0], 16);
                var to = Convert.ToUInt64(bounds[1], 16);
                inside = (ulong)address >= from && (ulong)address < to;
                continue;
            }
            if (inside && line.StartsWith("AnonHugePages:", StringComparison.Ordinal))
            {
                return long.Parse(line["AnonHugePages:".Length..].Replace("kB", "").Trim()) * 1024;
            }
        }
        throw new InvalidOperationException($"No mapping in /proc/self/smaps holds address 0x{address:x}.");
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c)) return false;
        }
        return true;
    }
}
