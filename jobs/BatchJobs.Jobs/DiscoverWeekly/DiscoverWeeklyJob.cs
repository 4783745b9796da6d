using BatchJobs.Core;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Plans;
using BatchJobs.Jobs.Playlists;
using BatchJobs.Jobs.Similarity;

namespace BatchJobs.Jobs.DiscoverWeekly;

/// <summary>
/// <c>discover-weekly</c> → <c>discover_weekly</c> (weekly, partition = the Monday): for every user of the day's
/// embeddings, <c>length</c> (30) tracks never played in the affinity window, picked from the user's best-scored
/// candidates and re-ranked for diversity and novelty (<see cref="DiscoverWeeklyBuilder"/>), each with its reason.
/// Thin histories get the documented popularity fallback. Consumers: serving (<c>batchjobs show discover_weekly --user</c>),
/// <c>playlist-evaluation</c>. The artist-priority CSV (<see cref="ArtistPriority"/>) is an optional raw input.
/// A plan: the shared playlist stages (<see cref="PlaylistStages"/>), then <see cref="DiscoverWeeklyKernel"/> over groups
/// of users with the catalogue and the artist vectors as side inputs.
/// </summary>
public sealed class DiscoverWeeklyJob : PlannedJob
{
    public override string Name => "discover-weekly";

    public override StagePlan Plan(JobContext context)
    {
        // Inputs. The flags are a handful of rows, often none: they travel with the kernel rather than as a side input,
        // which may not be empty.
        var settings = Settings(context);
        var week = context.Produces.Single(c => c.Name == "discover_weekly").PartitionOf(context.Date);
        var flags = ArtistPriority.Read(context.RawFiles(ArtistPriority.RelativePath), week, week.AddDays(6));
        var parameters = new InlineTable("job_params", [new ColumnSpec("length", ColumnType.Int32, false)], [[settings.Diversity.Length]]);

        // Transform: each group of users' playlists against the whole catalogue.
        var playlists = new KernelStage("discover_weekly", PlaylistStages.Users, "user_id", PlaylistStages.OrderBy,
            new DiscoverWeeklyKernel(settings, flags), DiscoverWeeklyCatalogue.SideInputs);

        // Outputs
        return context.NewPlan()
            .ReadUsersAndCatalogue(context).Read(context.Dataset(DiscoverWeeklyCatalogue.ArtistEmbeddings)).Read(parameters)
            .Kernel(playlists)
            .Publish("discover_weekly", "discover_weekly", Statistics);
    }

    /// <summary>
    /// What the contract's checks and the run's log read. Users without a row count as short; a fallback user's first
    /// row is a fallback pick. previously_played_rows is counted against the history itself, not the exclusion lists
    /// the scorer used, so a scorer that let a played track through is caught.
    /// </summary>
    private static readonly Dictionary<string, string> Statistics = new()
    {
        ["rows"] = "select count(*) from discover_weekly",
        ["users"] = "select count(*) from user_embeddings",
        ["short_users"] = """
            select count(*) from user_embeddings
            where user_id not in (
                select user_id from discover_weekly
                group by user_id
                having count(*) >= (select length from job_params)
            )
            """,
        ["fallback_users"] = "select count(*) from discover_weekly where position = 1 and source = 'fallback'",
        ["priority_rows"] = "select count(*) from discover_weekly where source = 'priority'",
        ["previously_played_rows"] = """
            select count(*) from discover_weekly as playlist
            where exists (
                select 1 from user_track_affinity as plays
                where plays.user_id = playlist.user_id and plays.track_id = playlist.track_id
            )
            """,
    };

    private static DiscoverWeeklySettings Settings(JobContext context)
    {
        var settings = new DiscoverWeeklySettings
        {
            Diversity = new DiversityOptions
            {
                Length = context.IntParameter("length"),
                MaxPerArtist = context.IntParameter("max_per_artist"),
                RelevanceWeight = (float)context.DoubleParameter("relevance_weight"),
                PopularityPenalty = (float)context.DoubleParameter("popularity_penalty"),
                MinAdjacent = context.IntParameter("min_adjacent"),
            },
            CandidatePool = context.IntParameter("candidate_pool"),
            Mode = SimilarTracksJob.ScoringMode(context),
            MinHistoryTracks = context.IntParameter("min_history_tracks"),
            MinClusterShare = context.DoubleParameter("min_cluster_share"),
            MaxUserClusters = context.IntParameter("max_user_clusters"),
            AdjacentClusters = context.IntParameter("adjacent_clusters"),
            PriorityMaxBoost = (float)context.DoubleParameter("priority_max_boost"),
            PriorityMinRelevance = (float)context.DoubleParameter("priority_min_relevance"),
        };
        try
        {
            settings.Diversity.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        if (settings.CandidatePool < settings.Diversity.Length)
            throw new UsageException($"parameter candidate_pool = {settings.CandidatePool} must be at least length = {settings.Diversity.Length}");
        return settings;
    }
}
