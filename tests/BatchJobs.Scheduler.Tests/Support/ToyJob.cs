using BatchJobs.Core.Jobs;
using BatchJobs.Core.Tables;

namespace BatchJobs.Scheduler.Tests.Support;

/// <summary>
/// A job of the toy pipeline: publishes one row per dataset it produces (the logical date and how many input
/// partitions it read), after a behaviour the test sets: fail, fail permanently, or wait for a gate.
/// </summary>
public sealed class ToyJob(string name) : IJob
{
    private int calls;

    public string Name { get; } = name;

    /// <summary>How many times the job body ran.</summary>
    public int Calls => Volatile.Read(ref calls);

    /// <summary>Decides per logical date whether the run throws a transient failure.</summary>
    public Func<DateOnly, bool> FailsTransiently { get; set; } = _ => false;

    /// <summary>Decides per logical date whether the run throws a permanent failure (bad input, exit 50).</summary>
    public Func<DateOnly, bool> FailsPermanently { get; set; } = _ => false;

    /// <summary>When set, the run signals <see cref="Started"/> and then waits for this before publishing.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Called at the start of each run, e.g. to cancel a backfill part-way.</summary>
    public Action<DateOnly>? OnRun { get; set; }

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref calls);
        OnRun?.Invoke(context.Date);
        cancellationToken.ThrowIfCancellationRequested();
        if (FailsPermanently(context.Date)) throw new BadInputException($"{Name} {context.Date:yyyy-MM-dd}: bad input injected by the test");
        if (FailsTransiently(context.Date)) throw new IOException($"{Name} {context.Date:yyyy-MM-dd}: transient failure injected by the test");
        if (Gate is { } gate)
        {
            Started.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }
        var inputs = context.Produces[0].Producer.Inputs.Sum(i => context.Input(i.Dataset).Count);
        var staged = new List<Core.Snapshots.StagedSnapshot>();
        foreach (var contract in context.Produces)
        {
            var stage = context.Stage(contract.Name);
            await using (var writer = await ParquetTableWriter.CreateAsync(stage.FilePath("part-00000.parquet"), contract.Schema, cancellationToken))
                await writer.WriteRowGroupAsync(1, [new string?[] { $"{context.Date:yyyy-MM-dd}" }, new long[] { inputs }], cancellationToken);
            staged.Add(stage);
        }
        await context.PublishAsync(staged, cancellationToken);
    }
}
