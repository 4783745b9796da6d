namespace BatchJobs.Core.Tests.Support;

/// <summary>Thrown from a publish hook to stand for the process dying at that instant.</summary>
public sealed class SimulatedCrashException(string message) : Exception(message);
