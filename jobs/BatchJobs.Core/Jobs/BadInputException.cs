namespace BatchJobs.Core.Jobs;

/// <summary>Input that no retry will fix (exit 50). The message names the file, row and field and what would fix it.</summary>
public sealed class BadInputException(string message) : Exception(message);
