using System.CommandLine;
using BatchJobs.Core.Jobs;
using BatchJobs.Jobs;
using BatchJobs.Scheduler.Backfills;
using BatchJobs.Scheduler.Execution;
using BatchJobs.Scheduler.History;

namespace BatchJobs.Cli.Commands;

/// <summary>
/// <c>batchjobs backfill TARGET... --from D1 --to D2</c>: every partition of the targets in the range, unpublished
/// upstream partitions first, recorded as trigger <c>backfill</c>; resumable by running the same command again.
/// </summary>
public static class BackfillCommand
{
    /// <summary>The shell's code for a process stopped by Ctrl-C (128 + SIGINT).</summary>
    private const int InterruptedExitCode = 130;

    public static Command Create(TextWriter output)
    {
        var targets = new Argument<string[]>("targets") { Description = "Datasets or jobs to backfill (a dataset means its producing job).", Arity = ArgumentArity.OneOrMore };
        var root = CommonOptions.Root();
        var contracts = CommonOptions.Contracts();
        var from = new Option<string>("--from") { Description = "The first logical date (YYYY-MM-DD).", Required = true };
        var to = new Option<string>("--to") { Description = "The last logical date (YYYY-MM-DD).", Required = true };
        var reprocess = new Option<string>("--reprocess")
        {
            Description = "Which target partitions to run: none = only those never run and not published; failed = also unpublished ones whose last run failed; all = every one, recomputed.",
            DefaultValueFactory = _ => "none",
        };
        reprocess.AcceptOnlyFromAmong("none", "failed", "all");
        var maxParallel = TickCommand.MaxParallelOption();
        var maxAttempts = TickCommand.MaxAttemptsOption();
        var reverse = new Option<bool>("--reverse") { Description = "Newest dates first (upstream partitions still run before the partitions that read them)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan and run nothing." };
        var now = TickCommand.NowOption();
        var command = new Command("backfill", "Run every partition of the targets between two dates, upstream first. Resumable: run the same command again after an interruption or a failure. Exit 0 when finished.")
        {
            targets, root, contracts, from, to, reprocess, maxParallel, maxAttempts, reverse, dryRun, now,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var rootPath = parsed.GetValue(root)!;
            var (catalog, dag) = TickCommand.LoadDag(parsed.GetValue(contracts)!);
            var clock = TickCommand.Clock(parsed.GetValue(now));
            var options = TickCommand.Options(dag, parsed.GetValue(maxParallel), parsed.GetValue(maxAttempts));
            var store = RunStore.Open(rootPath);
            var runner = new JobRunner(rootPath, catalog, JobCatalog.All, clock: clock);
            var backfiller = new Backfiller(dag, store, runner, options, clock);
            var plan = backfiller.Plan(parsed.GetValue(targets)!, CommonOptions.ParseDate(parsed.GetValue(from)!, "--from"), CommonOptions.ParseDate(parsed.GetValue(to)!, "--to"),
                Enum.Parse<ReprocessMode>(parsed.GetValue(reprocess)!, ignoreCase: true), parsed.GetValue(reverse));
            await PrintPlanAsync(plan, output, verbose: parsed.GetValue(dryRun));
            if (parsed.GetValue(dryRun)) return 0;
            if (plan.Resumed is null && plan.Items.Count == 0)
            {
                await output.WriteLineAsync("nothing to backfill");
                return 0;
            }

            var gate = new Lock();
            BackfillReport report;
            try
            {
                report = await backfiller.RunAsync(plan, outcome =>
                {
                    lock (gate) output.WriteLine(outcome.Describe());
                }, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await output.WriteLineAsync("backfill interrupted; the runs in progress were recorded as cancelled. Run the same command again to resume.");
                return InterruptedExitCode;
            }
            foreach (var blocked in report.Outcomes.Where(o => o.Kind == RunOutcomeKind.Blocked)) await output.WriteLineAsync(blocked.Describe());
            var items = store.BackfillItems(report.Backfill.Id);
            await output.WriteLineAsync(report.Finished
                ? $"backfill #{report.Backfill.Id} finished: {items.Count} partitions succeeded"
                : $"backfill #{report.Backfill.Id} not finished: {Count(items, BackfillItemStatus.Succeeded)} succeeded, {Count(items, BackfillItemStatus.Failed)} failed, {Count(items, BackfillItemStatus.Waiting)} waiting for inputs, {Count(items, BackfillItemStatus.Pending)} pending; run the same command again to resume");
            return report.ExitCode;
        });
        return command;
    }

    private static async Task PrintPlanAsync(BackfillPlan plan, TextWriter output, bool verbose)
    {
        var range = $"{string.Join(", ", plan.Targets)} from {plan.From:yyyy-MM-dd} to {plan.To:yyyy-MM-dd} (reprocess {plan.Reprocess.ToString().ToLowerInvariant()})";
        await output.WriteLineAsync(plan.Resumed is { } resumed
            ? $"resuming backfill #{resumed.Id} of {range}, planned {resumed.CreatedAt:yyyy-MM-dd HH:mm} UTC: {plan.Items.Count - plan.Remaining.Count} of {plan.Items.Count} partitions done"
            : $"backfill of {range}: {plan.Items.Count(i => i.Target)} target partitions, {plan.Items.Count(i => !i.Target)} upstream partitions, {plan.Skipped.Count} target partitions skipped");
        if (!verbose) return;
        foreach (var item in plan.Items)
            await output.WriteLineAsync($"  {(item.Status == BackfillItemStatus.Succeeded ? "done" : item.Force ? "force" : "run  ")} {item.Run} (logical date {item.Run.LogicalDate:yyyy-MM-dd}){(item.Target ? "" : " upstream")}");
        foreach (var (run, reason) in plan.Skipped) await output.WriteLineAsync($"  skip  {run}: {reason}");
    }

    private static int Count(IReadOnlyList<BackfillItemRecord> items, BackfillItemStatus status) => items.Count(i => i.Status == status);
}
