namespace BatchJobs.Benchmarks.Playlists;

/// <summary>
/// The peak resident memory of this process over a stretch of work, not since it started: on Linux the kernel's
/// high-water mark (VmHWM) is reset before the work and read after it; elsewhere, or when the reset is refused, the
/// working set is sampled every 10 ms instead (which can miss a short peak).
/// </summary>
public sealed class PeakMemory : IDisposable
{
    private const string ClearRefs = "/proc/self/clear_refs";
    private const string Status = "/proc/self/status";

    private readonly Timer? _sampler;
    private long _sampled;

    private PeakMemory(bool reset)
    {
        StartBytes = Environment.WorkingSet;
        Method = reset ? "VmHWM reset before the job" : "working set sampled every 10 ms";
        if (reset) return;
        _sampled = StartBytes;
        _sampler = new Timer(_ => Sample(), null, 0, 10);
    }

    /// <summary>Resident bytes when the measurement started.</summary>
    public long StartBytes { get; }

    /// <summary>How the peak is measured.</summary>
    public string Method { get; }

    /// <summary>Starts measuring; collect garbage first so that the start is the process's floor.</summary>
    public static PeakMemory Start()
    {
        try
        {
            // "5" resets the peak resident set size (Linux 4.0 and later).
            File.WriteAllText(ClearRefs, "5");
            return new PeakMemory(ReadHighWaterMark() is not null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new PeakMemory(reset: false);
        }
    }

    /// <summary>The peak resident bytes since <see cref="Start"/>.</summary>
    public long PeakBytes()
    {
        if (_sampler is null) return ReadHighWaterMark() ?? Environment.WorkingSet;
        Sample();
        return Interlocked.Read(ref _sampled);
    }

    public void Dispose() => _sampler?.Dispose();

    private void Sample()
    {
        var now = Environment.WorkingSet;
        long seen;
        while (now > (seen = Interlocked.Read(ref _sampled)) && Interlocked.CompareExchange(ref _sampled, now, seen) != seen)
        {
        }
    }

    private static long? ReadHighWaterMark()
    {
        if (!File.Exists(Status)) return null;
        foreach (var line in File.ReadLines(Status))
        {
            // "VmHWM:     123456 kB"
            if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length >= 2 && long.TryParse(parts[1], out var kilobytes) ? kilobytes * 1024 : null;
        }
        return null;
    }
}
