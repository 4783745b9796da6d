namespace BatchJobs.Core.Snapshots;

/// <summary>What every manifest of one job run shares: the job, the run id, the code and the inputs consumed.</summary>
public sealed record RunInfo(
    string Job,
    string RunId,
    string CodeVersion,
    string InputFingerprint,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<InputSnapshot> Inputs);
