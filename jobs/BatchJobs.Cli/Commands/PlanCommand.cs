using System.CommandLine;
using BatchJobs.Core;
using BatchJobs.Core.Jobs;
using BatchJobs.Jobs;

namespace BatchJobs.Cli.Commands;

/// <summary>
/// <c>batchjobs plan JOB --date D</c>: prints the stage plan a job would run for a date — its stages, the input runs
/// they resolve to now, side inputs, outputs and their schemas — without running anything.
/// </summary>
public static class PlanCommand
{
    public static Command Create(TextWriter output)
    {
        var job = new Argument<string>("job") { Description = "A declared job, e.g. user-track-affinity." };
        var root = CommonOptions.Root();
        var contracts = CommonOptions.Contracts();
        var date = CommonOptions.Date("The logical date to plan for", required: true);
        var parameters = RunCommand.ParameterOption();
        var command = new Command("plan", "Print a job's stage plan for a date (inputs, stages, outputs) without running it.") { job, root, contracts, date, parameters };
        command.SetAction(async (parsed, _) =>
        {
            var catalog = CommonOptions.LoadContracts(parsed.GetValue(contracts)!);
            var jobName = parsed.GetValue(job)!;
            var day = CommonOptions.ParseDate(parsed.GetValue(date)!, "--date");
            var runner = new JobRunner(parsed.GetValue(root)!, catalog, JobCatalog.All);
            try
            {
                var plan = runner.Plan(jobName, day, RunCommand.ParseParameters(parsed.GetValue(parameters) ?? []));
                await output.WriteAsync(plan.Describe(plan.Outputs.ToDictionary(o => o.Dataset, o => catalog.Get(o.Dataset).Schema)));
                return ExitCodes.Done;
            }
            catch (InputsNotReadyException e)
            {
                await output.WriteLineAsync($"{jobName} {day:yyyy-MM-dd}: inputs not ready: {e.Message}");
                return ExitCodes.InputsNotReady;
            }
        });
        return command;
    }
}
