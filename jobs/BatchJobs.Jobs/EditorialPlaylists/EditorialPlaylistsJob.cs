using BatchJobs.Core.Contracts;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Plans;
using BatchJobs.Jobs.Playlists;

namespace BatchJobs.Jobs.EditorialPlaylists;

/// <summary>
/// <c>editorial-playlists</c> → <c>editorial_playlists</c> (weekly, partition = the Monday): every editor's template
/// (<see cref="EditorialTemplate"/>, an optional raw input) personalised for every user with a
/// model vector: the pool's tracks the model knows, played ones left out unless the template keeps them, ranked by the
/// user's score and re-ranked by <see cref="DiversityReranker"/> under the template's artist cap (no cluster caps,
/// no popularity penalty: the editor chose the pool). Without a template file the partition is published empty.
/// Consumers: serving.
/// </summary>
public sealed class EditorialPlaylistsJob : PlannedJob
{
    private static readonly string OverArtistCapSql = SqlResources.Load("EditorialPlaylists/over_artist_cap.sql");
    private static readonly string NoTemplatesSql = SqlResources.Load("EditorialPlaylists/no_templates.sql");

    public override string Name => "editorial-playlists";

    public override StagePlan Plan(JobContext context)
    {
        // Inputs: the templates are the editors' small YAML file, read whole into the kernel; the users stream.
        var templates = EditorialTemplate.Read(context.RawFiles(EditorialTemplate.RelativePath));
        var caps = new InlineTable("editorial_templates", [new ColumnSpec("template_id", ColumnType.String, false), new ColumnSpec("max_per_artist", ColumnType.Int32, false)],
            templates.Select(t => new object?[] { t.Id, t.MaxPerArtist }).ToList());
        var kernel = new EditorialKernel(templates, (float)context.DoubleParameter("relevance_weight"));

        // Transform: without a template there is nothing to personalise, so the users are not even read (at 100,000 users
        // the kernel stage took 23 s to publish no rows).
        var plan = context.NewPlan().Read(caps);
        plan = templates.Count == 0 ? plan.Sql("editorial_playlists", NoTemplatesSql)
            : plan.ReadUsers(context)
                .Kernel(new KernelStage("editorial_playlists", PlaylistStages.Users, "user_id", PlaylistStages.OrderBy, kernel, [PlaylistCatalogue.TrackEmbeddings]));

        // Outputs
        return plan.Publish("editorial_playlists", "editorial_playlists", new Dictionary<string, string>
            {
                ["templates"] = "select count(*) from editorial_templates",
                ["rows"] = "select count(*) from editorial_playlists",
                ["over_artist_cap_rows"] = OverArtistCapSql,
            });
    }
}
