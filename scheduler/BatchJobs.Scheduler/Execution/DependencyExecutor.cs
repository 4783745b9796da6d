using BatchJobs.Scheduler.Dag;

namespace BatchJobs.Scheduler.Execution;

/// <summary>
/// Runs a set of partitions in dependency order: a partition starts once every partition of the set it reads has
/// succeeded, in the set's order of priority, at most <c>maxParallel</c> at once and one per job at a time (runs of one
/// dataset never publish concurrently). A partition whose upstream did not succeed is not started (blocked).
/// </summary>
internal static class DependencyExecutor
{
    public static async Task<IReadOnlyList<RunOutcome>> RunAsync(ScheduledDag dag, IReadOnlyList<PartitionRun> runs, int maxParallel,
        Func<PartitionRun, Task<RunOutcome>> execute, CancellationToken cancellationToken)
    {
        var index = new Dictionary<(string, DateOnly), int>();
        for (var i = 0; i < runs.Count; i++) index.TryAdd((runs[i].Job, runs[i].Partition), i);
        var dependsOn = runs.Select(run => dag.InputPartitions(dag.Job(run.Job), run.Partition)
            .Select(u => index.TryGetValue((u.Job.Name, u.Partition), out var j) ? j : -1).Where(j => j >= 0).Distinct().ToArray()).ToArray();

        var outcomes = new RunOutcome?[runs.Count];
        var started = new bool[runs.Count];
        var running = new Dictionary<Task<RunOutcome>, int>();
        var busyJobs = new HashSet<string>(StringComparer.Ordinal);
        Exception? failure = null;
        while (true)
        {
            MarkBlocked(runs, dependsOn, outcomes, started);
            if (failure is null && !cancellationToken.IsCancellationRequested)
                for (var i = 0; i < runs.Count && running.Count < Math.Max(1, maxParallel); i++)
                {
                    if (started[i] || busyJobs.Contains(runs[i].Job) || !dependsOn[i].All(j => outcomes[j]?.Succeeded == true)) continue;
                    started[i] = true;
                    busyJobs.Add(runs[i].Job);
                    running.Add(execute(runs[i]), i);
                }
            if (running.Count == 0) break;
            var done = await Task.WhenAny(running.Keys);
            var finished = running[done];
            running.Remove(done);
            busyJobs.Remove(runs[finished].Job);
            try
            {
                outcomes[finished] = await done;
            }
            catch (Exception e)
            {
                // Let the other runs finish and record themselves before the first failure surfaces.
                failure ??= e;
                outcomes[finished] = new RunOutcome(runs[finished], RunOutcomeKind.Cancelled, e.Message);
            }
        }
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        cancellationToken.ThrowIfCancellationRequested();
        return outcomes.Select((o, i) => o ?? new RunOutcome(runs[i], RunOutcomeKind.Blocked, "not started")).ToList();
    }

    private static void MarkBlocked(IReadOnlyList<PartitionRun> runs, int[][] dependsOn, RunOutcome?[] outcomes, bool[] started)
    {
        bool changed;
        do
        {
            changed = false;
            for (var i = 0; i < runs.Count; i++)
            {
                if (started[i] || outcomes[i] is not null) continue;
                var upstream = dependsOn[i].FirstOrDefault(j => outcomes[j] is { Succeeded: false }, -1);
                if (upstream < 0) continue;
                outcomes[i] = new RunOutcome(runs[i], RunOutcomeKind.Blocked, $"upstream {runs[upstream]} {outcomes[upstream]!.Kind.ToString().ToLowerInvariant()}");
                changed = true;
            }
        }
        while (changed);
    }
}
