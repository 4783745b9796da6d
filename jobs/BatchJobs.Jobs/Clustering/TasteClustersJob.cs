using BatchJobs.Core;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Tables;
using BatchJobs.Jobs.Similarity;

namespace BatchJobs.Jobs.Clustering;

/// <summary>
/// <c>taste-clusters</c> → <c>taste_clusters</c> and <c>track_clusters</c> (daily): Microsoft.ML k-means over the
/// day's unit-normalised track vectors, k sized to the catalogue (one cluster per <c>tracks_per_cluster</c> tracks,
/// within <c>min_clusters</c>..<c>max_clusters</c>), seeded so a day's clusters reproduce. Each cluster is labelled by
/// its leading genre and top artists and keeps its centroid; every track gets its cluster. Consumers: Discover Weekly
/// (spread and adjacency), Daily Mix (one mix per cluster), serving.
/// </summary>
public sealed class TasteClustersJob : IJob
{
    public string Name => "taste-clusters";

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        // Inputs
        var tracks = await EmbeddingTable.ReadAsync(context.InputFiles("track_embeddings"), cancellationToken);
        var catalogue = await CatalogueLookup.ReadAsync(context.InputFiles("tracks"), context.InputFiles("artists"), cancellationToken);
        var clusters = KMeansClustering.ClusterCountFor(tracks.Count, context.IntParameter("tracks_per_cluster"), context.IntParameter("min_clusters"),
            context.IntParameter("max_clusters"));
        var iterations = context.IntParameter("max_iterations");
        if (iterations < 1) throw new UsageException($"parameter max_iterations = {iterations} must be at least 1");

        // Transform
        var fitted = KMeansClustering.Fit(tracks.Vectors, tracks.Factors, clusters, iterations, context.IntParameter("seed"));
        var genres = tracks.Ids.Select(t => catalogue.TrackGenres.TryGetValue(t, out var g) ? g
            : throw new BadInputException($"track_embeddings names track '{t}', which the tracks catalogue of {context.Date:yyyy-MM-dd} does not hold")).ToArray();
        var labels = ClusterLabels.Label(fitted.Assignments, genres, tracks.ArtistIds!, catalogue.ArtistNames, fitted.ClusterCount, context.IntParameter("top_artists"));
        await context.Log.WriteLineAsync($"{fitted.ClusterCount} taste clusters (asked {clusters}) over {tracks.Count} tracks");

        // Outputs
        var clusterSnapshot = context.Stage("taste_clusters");
        await using (var writer = await ParquetTableWriter.CreateAsync(clusterSnapshot.FilePath("part-00000.parquet"), clusterSnapshot.Contract.Schema, cancellationToken))
            await writer.WriteRowGroupAsync(labels.Count,
            [
                labels.Select(l => l.ClusterId).ToArray(),
                labels.Select(l => (string?)l.Label).ToArray(),
                labels.Select(l => (string?)l.LeadingGenre).ToArray(),
                labels.Select(l => l.GenreShare).ToArray(),
                labels.Select(l => (string?)string.Join(';', l.TopArtistIds)).ToArray(),
                labels.Select(l => l.Tracks).ToArray(),
                labels.Select(l => fitted.Centroids.AsSpan(l.ClusterId * fitted.Factors, fitted.Factors).ToArray()).ToArray(),
            ], cancellationToken);
        clusterSnapshot.Statistics["factors"] = fitted.Factors;
        clusterSnapshot.Statistics["clusters_requested"] = clusters;
        var assignmentSnapshot = context.Stage("track_clusters");
        await using (var writer = await ParquetTableWriter.CreateAsync(assignmentSnapshot.FilePath("part-00000.parquet"), assignmentSnapshot.Contract.Schema, cancellationToken))
            await writer.WriteRowGroupAsync(tracks.Count, [tracks.Ids, tracks.ArtistIds!, fitted.Assignments, fitted.Distances], cancellationToken);
        await context.PublishAsync([clusterSnapshot, assignmentSnapshot], cancellationToken);
    }
}
