namespace BatchJobs.Core.Jobs;

/// <summary>An input partition is not published yet: retry later (exit 20).</summary>
public sealed class InputsNotReadyException(string message) : Exception(message);
