namespace BatchJobs.Core.Contracts;

/// <summary>A malformed contract: names the file, the field and what would fix it.</summary>
public sealed class ContractException(string file, string field, string problem)
    : Exception($"{file}: field '{field}': {problem}")
{
    public string File { get; } = file;
    public string Field { get; } = field;
}
