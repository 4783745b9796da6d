using BatchJobs.Core.Contracts;
using BatchJobs.Core.Jobs;
using BatchJobs.Jobs.Affinity;
using BatchJobs.Jobs.Catalog;
using BatchJobs.Jobs.Clustering;
using BatchJobs.Jobs.Embeddings;
using BatchJobs.Jobs.EditorialPlaylists;
using BatchJobs.Jobs.Ingest;
using BatchJobs.Jobs.ModelEvaluation;
using BatchJobs.Jobs.DailyMix;
using BatchJobs.Jobs.DiscoverWeekly;
using BatchJobs.Jobs.PlaylistEvaluation;
using BatchJobs.Jobs.Playlists;
using BatchJobs.Jobs.Similarity;

namespace BatchJobs.Jobs;

/// <summary>Every implemented job, and where the contracts that name them are.</summary>
public static class JobCatalog
{
    /// <summary>The implemented jobs, in dependency order of the pipeline.</summary>
    public static IReadOnlyList<IJob> All { get; } =
    [
        new PublishCatalogJob(),
        new ListeningEventsIngestJob(),
        new UserTrackAffinityJob(),
        new TrainEmbeddingsJob(),
        new EvaluateEmbeddingsJob(),
        new SimilarTracksJob(),
        new TasteClustersJob(),
        new DiscoverWeeklyJob(),
        new EditorialPlaylistsJob(),
        new DailyMixJob(),
        new PlaylistEvaluationJob(),
    ];

    /// <summary>The contracts folder copied beside the program.</summary>
    public static string DefaultContractsDirectory => Path.Combine(AppContext.BaseDirectory, "golden-datasets");

    public static ContractCatalog LoadContracts(string? directory = null) => ContractLoader.LoadDirectory(directory ?? DefaultContractsDirectory);
}
