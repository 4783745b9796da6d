namespace BatchJobs.Jobs.Ingest;

/// <summary>Why a raw row was refused: the first field at fault and what is wrong with it.</summary>
public readonly record struct Rejection(string Field, string Reason);
