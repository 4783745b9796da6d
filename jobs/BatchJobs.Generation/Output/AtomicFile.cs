namespace BatchJobs.Generation.Output;

/// <summary>
/// A file written under a hidden temporary name (<c>.NAME.tmp</c> in the same folder) and renamed over its
/// final name only once complete and flushed to disk, so a crash never leaves a half-written file under the
/// final name. Disposing without <see cref="CommitAsync"/> deletes the temporary file.
/// </summary>
internal sealed class AtomicFile : IAsyncDisposable
{
    private bool _committed;

    /// <summary>Opens the temporary file for <paramref name="finalPath"/>, creating the folder if needed.</summary>
    public AtomicFile(string finalPath)
    {
        FinalPath = finalPath;
        TempPath = TempPathFor(finalPath);
        Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
        Stream = new FileStream(TempPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 1 << 16);
    }

    /// <summary>Where the file ends up.</summary>
    public string FinalPath { get; }

    /// <summary>Where the file is written until committed.</summary>
    public string TempPath { get; }

    /// <summary>The temporary file's stream (seekable, readable and writable).</summary>
    public FileStream Stream { get; }

    /// <summary>Hidden temporary name in the same folder: readers and Spark/Hadoop ignore names starting with a dot.</summary>
    public static string TempPathFor(string finalPath) =>
        Path.Combine(Path.GetDirectoryName(finalPath)!, "." + Path.GetFileName(finalPath) + ".tmp");

    /// <summary>Flushes to disk, closes, and renames the file over its final name.</summary>
    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        await Stream.FlushAsync(cancellationToken);
        Stream.Flush(flushToDisk: true);
        await Stream.DisposeAsync();
        File.Move(TempPath, FinalPath, overwrite: true);
        _committed = true;
    }

    /// <summary>Closes the stream and, if not committed, deletes the temporary file.</summary>
    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        if (!_committed)
        {
            File.Delete(TempPath);
        }
    }
}
