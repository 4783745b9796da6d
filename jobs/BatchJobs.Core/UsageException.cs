namespace BatchJobs.Core;

/// <summary>Bad arguments: a permanent failure (exit 50) whose message says what is accepted.</summary>
public sealed class UsageException(string message) : Exception(message);
