namespace BatchJobs.Jobs.Ingest;

/// <summary>A raw row that failed validation: where it came from, why, and its text.</summary>
public readonly record struct RejectedRow(string SourceFile, long LineNumber, string Field, string Reason, string? RawRecord);
