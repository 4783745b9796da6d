namespace BatchJobs.Generation;

/// <summary>A progress snapshot reported while a world is generated.</summary>
/// <param name="EventRowsWritten">Event rows (good, duplicate and bad) written so far over all days.</param>
/// <param name="ExpectedEventRows">The planned total, an estimate: the exact count is known only at the end.</param>
/// <param name="FilesCompleted">Files (catalogue, users and event parts) finished and renamed into place.</param>
/// <param name="FilesTotal">Files planned in all.</param>
public readonly record struct GenerationProgress(
    long EventRowsWritten,
    long ExpectedEventRows,
    int FilesCompleted,
    int FilesTotal);
