using BatchJobs.Core;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Plans;
using BatchJobs.Jobs.Playlists;

namespace BatchJobs.Jobs.DailyMix;

/// <summary>
/// <c>daily-mix</c> → <c>daily_mix</c> (daily): per user with history, one to six mixes, one per taste cluster of the
/// user's recent listening with enough affinity (the strongest always), each mostly favourites with about one new track
/// in four interleaved (<see cref="DailyMixBuilder"/>). Consumers: serving (<c>batchjobs show daily_mix --user</c>).
/// A plan: the shared playlist stages (<see cref="PlaylistStages"/>), then <see cref="DailyMixKernel"/> over groups of
/// users with the catalogue as side inputs.
/// </summary>
public sealed class DailyMixJob : PlannedJob
{
    public override string Name => "daily-mix";

    public override StagePlan Plan(JobContext context)
    {
        // Inputs
        var options = Options(context);
        var parameters = new InlineTable("job_params", [new ColumnSpec("max_new_share", ColumnType.Double, false)], [[options.MaxNewShare]]);

        // Transform: each group of users' mixes against the whole catalogue.
        var mixes = new KernelStage("daily_mix", PlaylistStages.Users, "user_id", PlaylistStages.OrderBy, new DailyMixKernel(options), PlaylistCatalogue.SideInputs);

        // Outputs
        return context.NewPlan()
            .ReadUsersAndCatalogue(context).Read(parameters)
            .Kernel(mixes)
            .Publish("daily_mix", "daily_mix", Statistics);
    }

    /// <summary>What the contract's checks and the run's log read; thin_users counts users with a mix above max_new_share
    /// (the one mix of a thin history).</summary>
    private static readonly Dictionary<string, string> Statistics = new()
    {
        ["rows"] = "select count(*) from daily_mix",
        ["new_rows"] = "select count(*) from daily_mix where is_new",
        ["users"] = "select count(*) from user_embeddings",
        ["users_without_mix"] = "select count(*) from user_embeddings where user_id not in (select user_id from daily_mix)",
        ["mixes"] = "select count(*) from (select distinct user_id, mix_number from daily_mix) as mixes",
        ["thin_users"] = """
            select count(distinct user_id) from (
                select user_id from daily_mix
                group by user_id, mix_number
                having sum(case when is_new then 1 else 0 end) > (select max_new_share from job_params) * count(*)
            ) as thin_mixes
            """,
    };

    private static DailyMixOptions Options(JobContext context)
    {
        var options = new DailyMixOptions
        {
            MaxMixes = context.IntParameter("max_mixes"),
            MinLength = context.IntParameter("min_length"),
            MaxLength = context.IntParameter("max_length"),
            NewShare = context.DoubleParameter("new_share"),
            MaxNewShare = context.DoubleParameter("max_new_share"),
            MinFavourites = context.IntParameter("min_favourites"),
            MinClusterShare = context.DoubleParameter("min_cluster_share"),
            MinSkips = context.IntParameter("min_skips"),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        return options;
    }
}
