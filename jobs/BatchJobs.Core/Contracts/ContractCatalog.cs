using System.Diagnostics.CodeAnalysis;

namespace BatchJobs.Core.Contracts;

/// <summary>The validated contracts, by dataset name and by producing job.</summary>
public sealed class ContractCatalog(IReadOnlyList<DatasetContract> contracts)
{
    private readonly Dictionary<string, DatasetContract> byName = contracts.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public IReadOnlyList<DatasetContract> All { get; } = contracts;

    /// <summary>Every job that produces at least one dataset, in name order.</summary>
    public IReadOnlyList<string> Jobs => All.Select(c => c.Producer.Job).Distinct().Order(StringComparer.Ordinal).ToList();

    public bool TryGet(string name, [NotNullWhen(true)] out DatasetContract? contract) => byName.TryGetValue(name, out contract);

    /// <summary>The contract of a dataset given on a command line or in code.</summary>
    /// <exception cref="UsageException">No contract declares that dataset.</exception>
    public DatasetContract Get(string name) => byName.TryGetValue(name, out var contract)
        ? contract
        : throw new UsageException($"'{name}' is not a declared dataset; declared datasets: {string.Join(", ", byName.Keys.Order(StringComparer.Ordinal))}");

    /// <summary>The datasets a job produces (its contracts), in name order.</summary>
    public IReadOnlyList<DatasetContract> ProducedBy(string job)
    {
        var produced = All.Where(c => c.Producer.Job == job).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        return produced.Count > 0
            ? produced
            : throw new UsageException($"'{job}' is not a declared job; declared jobs: {string.Join(", ", Jobs)}");
    }
}
