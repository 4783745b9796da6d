using BatchJobs.Core.Contracts;

namespace BatchJobs.Core.Jobs;

/// <summary>
/// The job dependency graph derived from the contracts: a job depends on the producers of the datasets it reads.
/// </summary>
public sealed class JobGraph
{
    private readonly ContractCatalog contracts;

    public JobGraph(ContractCatalog contracts)
    {
        this.contracts = contracts;
        Order = TopologicalOrder();
    }

    /// <summary>Every job, each after the jobs it depends on (ties in name order).</summary>
    public IReadOnlyList<string> Order { get; }

    /// <summary>The inputs of a job (from the first of its contracts; the loader checks they all agree).</summary>
    public IReadOnlyList<DatasetInput> InputsOf(string job) => contracts.ProducedBy(job)[0].Producer.Inputs;

    /// <summary>The jobs whose outputs <paramref name="job"/> reads.</summary>
    public IReadOnlyList<string> UpstreamOf(string job) =>
        InputsOf(job).Select(i => contracts.Get(i.Dataset).Producer.Job).Where(j => j != job).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The (job, date) runs needed so that <paramref name="targets"/> can run for <paramref name="date"/>: each
    /// input window pulls its producer in for every date of the window, back to <paramref name="earliest"/>. A run
    /// whose window ends before <paramref name="earliest"/> (an offset window reaching past the history) is left out.
    /// Ordered so every run comes after the runs it reads.
    /// </summary>
    public IReadOnlyList<(string Job, DateOnly Date)> Plan(IEnumerable<string> targets, DateOnly date, DateOnly earliest)
    {
        var needed = new HashSet<(string, DateOnly)>();
        var pending = new Stack<(string Job, DateOnly Date)>(targets.Select(t => (t, date)));
        while (pending.Count > 0)
        {
            var run = pending.Pop();
            var inputs = InputsOf(run.Job);
            if (run.Date < earliest || inputs.Any(i => i.LastDate(run.Date) < earliest) || !needed.Add(run)) continue;
            foreach (var input in inputs)
            {
                var producer = contracts.Get(input.Dataset).Producer.Job;
                for (var back = 0; back < input.WindowDays; back++) pending.Push((producer, input.LastDate(run.Date).AddDays(-back)));
            }
        }
        var rank = Order.Select((job, i) => (job, i)).ToDictionary(p => p.job, p => p.i);
        return needed.OrderBy(r => r.Item2).ThenBy(r => rank[r.Item1]).Select(r => (r.Item1, r.Item2)).ToList();
    }

    private List<string> TopologicalOrder()
    {
        var order = new List<string>();
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false = on the stack, true = done
        void Visit(string job, Stack<string> path)
        {
            if (state.TryGetValue(job, out var done))
            {
                if (!done) throw new ContractException(contracts.ProducedBy(job)[0].SourceFile, "producer.inputs",
                    $"jobs form a cycle: {string.Join(" -> ", path.Reverse().SkipWhile(j => j != job).Append(job))}; a job may not depend on itself");
                return;
            }
            state[job] = false;
            path.Push(job);
            foreach (var upstream in UpstreamOf(job)) Visit(upstream, path);
            path.Pop();
            state[job] = true;
            order.Add(job);
        }
        foreach (var job in contracts.Jobs) Visit(job, new Stack<string>());
        return order;
    }
}
