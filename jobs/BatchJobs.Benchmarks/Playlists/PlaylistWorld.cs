using System.Globalization;
using System.Text;
using BatchJobs.Core.Checks;
using BatchJobs.Core.Contracts;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Snapshots;
using BatchJobs.Core.Tables;
using BatchJobs.Benchmarks.TopK;
using BatchJobs.Jobs.Catalog;

namespace BatchJobs.Benchmarks.Playlists;

/// <summary>
/// A published world of the shape the playlist jobs read, made quickly: the catalogue as raw CSV files published by the
/// real <c>publish-catalog</c> job; <c>user_track_affinity</c> and the three <c>*_embeddings</c> datasets generated
/// here and published through the real <see cref="SnapshotPublisher"/> with their contracts' checks (their manifests
/// name the generator in the parameter <c>synthetic_world</c>); the taste clusters computed by the real
/// <c>taste-clusters</c> job from those embeddings.
/// </summary>
/// <remarks>
/// Tracks cluster around <see cref="Genres"/> genre centres (an artist's tracks share its genre), as trained embeddings
/// of a music catalogue do; each user leans to one genre and has about <see cref="Shape.History"/> played tracks, mostly
/// from that genre and two others, a few percent of users only a handful (the Discover Weekly fallback). Seeded: the
/// same shape and seed give the same world.
/// </remarks>
public static class PlaylistWorld
{
    /// <summary>Genre centres of the track and user vectors.</summary>
    public const int Genres = 256;

    /// <summary>Tracks per artist on average.</summary>
    private const int TracksPerArtist = 10;

    /// <summary>Share of users with a thin history (3 to 8 tracks).</summary>
    private const double ThinShare = 0.03;

    /// <summary>How big a world to make.</summary>
    public sealed record Shape(int Users, int Tracks, int Factors, int History, int Seed);

    /// <summary>Row counts of what was published.</summary>
    public sealed record Summary(int Users, int Tracks, int Artists, long AffinityRows, int TasteClusters);

    /// <summary>Publishes every input of <c>discover-weekly</c> and <c>daily-mix</c> for <paramref name="date"/> below the runner's root.</summary>
    public static async Task<Summary> PublishAsync(
        Shape shape, JobRunner runner, string root, ContractCatalog contracts, DateOnly date, TextWriter log, CancellationToken cancellationToken)
    {
        var random = new Random(shape.Seed);
        var artists = Math.Max(1, shape.Tracks / TracksPerArtist);
        var artistGenre = new int[artists];
        for (var a = 0; a < artists; a++) artistGenre[a] = random.Next(Genres);
        // The first tracks give every artist one; the rest go to random artists.
        var trackArtist = new int[shape.Tracks];
        for (var t = 0; t < shape.Tracks; t++) trackArtist[t] = t < artists ? t : random.Next(artists);
        var trackIds = Enumerable.Range(0, shape.Tracks).Select(t => $"t{t:D7}").ToArray();
        var artistIds = Enumerable.Range(0, artists).Select(a => $"a{a:D6}").ToArray();
        var userIds = Enumerable.Range(0, shape.Users).Select(u => $"u{u:D8}").ToArray();

        WriteCatalogue(root, trackIds, artistIds, trackArtist, artistGenre);
        Expect(await runner.RunAsync("publish-catalog", date, force: true, null, log, cancellationToken));

        var centres = SyntheticFactors.Gaussian(random, Genres * shape.Factors, 1f);
        var trackVectors = new float[shape.Tracks][];
        for (var t = 0; t < shape.Tracks; t++) trackVectors[t] = Around(random, centres, artistGenre[trackArtist[t]], shape.Factors, 0.6f);
        var userGenres = new int[shape.Users * 3];
        var userVectors = new float[shape.Users][];
        for (var u = 0; u < shape.Users; u++)
        {
            for (var i = 0; i < 3; i++) userGenres[u * 3 + i] = random.Next(Genres);
            userVectors[u] = Around(random, centres, userGenres[u * 3], shape.Factors, 1f);
        }

        var parameters = new Dictionary<string, string>(contracts.Get("user_embeddings").Parameters, StringComparer.Ordinal)
        {
            ["factors"] = shape.Factors.ToString(CultureInfo.InvariantCulture),
            ["synthetic_world"] = $"batchjobs-bench playlists, seed {shape.Seed}",
        };
        var affinityRows = await PublishAffinityAsync(shape, random, runner, contracts, date, userIds, trackIds, trackArtist, artistGenre, userGenres, cancellationToken);
        await PublishEmbeddingsAsync(runner, contracts, date, parameters, userIds, userVectors, trackIds, trackVectors, artistIds, trackArtist, cancellationToken);
        Expect(await runner.RunAsync("taste-clusters", date, force: true, null, log, cancellationToken));
        var clusters = runner.Reader.TryResolve("taste_clusters", date)!.Manifest.RowCount;
        return new Summary(shape.Users, shape.Tracks, artists, affinityRows, (int)clusters);
    }

    /// <summary>What a world published earlier for <paramref name="date"/> holds, or null unless it has the shape's users and tracks.</summary>
    public static Summary? TryDescribe(JobRunner runner, DateOnly date, Shape shape)
    {
        long Rows(string dataset) => runner.Reader.TryResolve(dataset, date)?.Manifest.RowCount ?? -1;
        var (users, tracks) = (Rows("user_embeddings"), Rows("track_embeddings"));
        if (users != shape.Users || tracks != shape.Tracks || Rows("taste_clusters") < 1) return null;
        return new Summary(shape.Users, shape.Tracks, (int)Rows("artist_embeddings"), Rows("user_track_affinity"), (int)Rows("taste_clusters"));
    }

    private static void WriteCatalogue(string root, string[] trackIds, string[] artistIds, int[] trackArtist, int[] artistGenre)
    {
        var tracks = new StringBuilder("track_id,artist_id,album_id,title,genre,duration_ms,release_date\n");
        for (var t = 0; t < trackIds.Length; t++)
        {
            var a = trackArtist[t];
            tracks.Append(CultureInfo.InvariantCulture,
                $"{trackIds[t]},{artistIds[a]},al{a:D6}-{t % 3},Track {t},{GenreName(artistGenre[a])},{150_000 + t % 120_000},2020-01-{1 + t % 28:D2}\n");
        }
        var artists = new StringBuilder("artist_id,name,genres\n");
        for (var a = 0; a < artistIds.Length; a++) artists.Append(CultureInfo.InvariantCulture, $"{artistIds[a]},Artist {a},{GenreName(artistGenre[a])}\n");
        foreach (var (file, text) in new[] { (PublishCatalogJob.TracksFile, tracks), (PublishCatalogJob.ArtistsFile, artists) })
        {
            var path = Path.Combine(root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text.ToString());
        }
    }

    /// <summary>
    /// Each user's plays: mostly its own genre's tracks, some of two other genres; streams, skips and a recency-weighted
    /// affinity as the affinity job computes them (half-life 14 days, skips discounted by half), some tracks skipped to
    /// zero affinity.
    /// </summary>
    private static async Task<long> PublishAffinityAsync(
        Shape shape, Random random, JobRunner runner, ContractCatalog contracts, DateOnly date, string[] userIds, string[] trackIds,
        int[] trackArtist, int[] artistGenre, int[] userGenres, CancellationToken cancellationToken)
    {
        var tracksOfGenre = Enumerable.Range(0, Genres).Select(_ => new List<int>()).ToArray();
        for (var t = 0; t < trackIds.Length; t++) tracksOfGenre[artistGenre[trackArtist[t]]].Add(t);
        var users = new List<string?>();
        var tracks = new List<string?>();
        var plays = new List<long>();
        var streams = new List<long>();
        var skips = new List<long>();
        var lastPlayed = new List<DateTime>();
        var affinity = new List<double>();
        var taken = new HashSet<int>();
        var end = date.ToDateTime(new TimeOnly(23, 0), DateTimeKind.Utc);
        for (var u = 0; u < userIds.Length; u++)
        {
            var count = random.NextDouble() < ThinShare ? random.Next(3, 9) : random.Next(shape.History / 2, shape.History * 3 / 2 + 1);
            count = Math.Min(count, trackIds.Length);
            taken.Clear();
            while (taken.Count < count)
            {
                var pick = random.NextDouble();
                var genre = userGenres[u * 3 + (pick < 0.6 ? 0 : pick < 0.85 ? 1 : 2)];
                var candidates = tracksOfGenre[genre];
                var track = candidates.Count > 0 && random.NextDouble() < 0.95 ? candidates[random.Next(candidates.Count)] : random.Next(trackIds.Length);
                if (!taken.Add(track)) continue;
                var age = random.Next(28);
                var weight = Math.Pow(0.5, age / 14.0);
                var streamCount = (long)(-Math.Log(1 - random.NextDouble()) * 4);
                var skipCount = random.NextDouble() < 0.15 ? random.Next(1, 5) : 0;
                users.Add(userIds[u]);
                tracks.Add(trackIds[track]);
                streams.Add(streamCount);
                skips.Add(skipCount);
                plays.Add(Math.Max(1, streamCount + skipCount));
                lastPlayed.Add(end.AddDays(-age).AddSeconds(-random.Next(86_000)));
                affinity.Add(Math.Max(0, weight * (streamCount - 0.5 * skipCount)));
            }
        }

        var contract = contracts.Get("user_track_affinity");
        var parameters = new Dictionary<string, string>(contract.Parameters, StringComparer.Ordinal) { ["synthetic_world"] = $"batchjobs-bench playlists, seed {shape.Seed}" };
        await PublishAsync(runner, contracts, contract, date, parameters, async staged =>
        {
            const int rowGroup = 1_000_000;
            await using var writer = await ParquetTableWriter.CreateAsync(staged.FilePath("part-00000.parquet"), contract.Schema, cancellationToken);
            for (var first = 0; first < users.Count; first += rowGroup)
            {
                var rows = Math.Min(rowGroup, users.Count - first);
                await writer.WriteRowGroupAsync(rows,
                [
                    users.GetRange(first, rows).ToArray(), tracks.GetRange(first, rows).ToArray(), plays.GetRange(first, rows).ToArray(),
                    streams.GetRange(first, rows).ToArray(), skips.GetRange(first, rows).ToArray(), lastPlayed.GetRange(first, rows).ToArray(),
                    affinity.GetRange(first, rows).ToArray(),
                ], cancellationToken);
            }
        }, cancellationToken);
        return users.Count;
    }

    private static async Task PublishEmbeddingsAsync(
        JobRunner runner, ContractCatalog contracts, DateOnly date, Dictionary<string, string> parameters, string[] userIds, float[][] userVectors,
        string[] trackIds, float[][] trackVectors, string[] artistIds, int[] trackArtist, CancellationToken cancellationToken)
    {
        // An artist's vector is the mean of its tracks' (the training job weights them by affinity).
        var factors = trackVectors[0].Length;
        var artistVectors = Enumerable.Range(0, artistIds.Length).Select(_ => new float[factors]).ToArray();
        var artistTracks = new int[artistIds.Length];
        for (var t = 0; t < trackIds.Length; t++)
        {
            artistTracks[trackArtist[t]]++;
            for (var f = 0; f < factors; f++) artistVectors[trackArtist[t]][f] += trackVectors[t][f];
        }
        for (var a = 0; a < artistIds.Length; a++)
            for (var f = 0; f < factors; f++) artistVectors[a][f] /= artistTracks[a];

        var staged = new List<StagedSnapshot>();
        var publisher = Publisher(runner, contracts);
        var runId = SnapshotLayout.NewRunId(DateTimeOffset.UtcNow);
        foreach (var (dataset, columns) in new (string, Array[])[]
        {
            ("user_embeddings", [userIds, userVectors]),
            ("track_embeddings", [trackIds, trackIds.Select((_, t) => artistIds[trackArtist[t]]).ToArray(), trackVectors]),
            ("artist_embeddings", [artistIds, artistTracks, artistVectors]),
        })
        {
            var contract = contracts.Get(dataset);
            var snapshot = publisher.Stage(contract, contract.PartitionOf(date), runId);
            await using (var writer = await ParquetTableWriter.CreateAsync(snapshot.FilePath("part-00000.parquet"), contract.Schema, cancellationToken))
                await writer.WriteRowGroupAsync(columns[0].Length, columns, cancellationToken);
            snapshot.Statistics["factors"] = factors;
            staged.Add(snapshot);
        }
        // One run, as the training job publishes the three together.
        await publisher.PublishAsync(staged, Run("train-embeddings", runId, parameters), cancellationToken);
    }

    private static async Task PublishAsync(
        JobRunner runner, ContractCatalog contracts, DatasetContract contract, DateOnly date, Dictionary<string, string> parameters,
        Func<StagedSnapshot, Task> write, CancellationToken cancellationToken)
    {
        var publisher = Publisher(runner, contracts);
        var runId = SnapshotLayout.NewRunId(DateTimeOffset.UtcNow);
        var staged = publisher.Stage(contract, contract.PartitionOf(date), runId);
        await write(staged);
        await publisher.PublishAsync([staged], Run(contract.Producer.Job, runId, parameters), cancellationToken);
    }

    private static SnapshotPublisher Publisher(JobRunner runner, ContractCatalog contracts) =>
        new(runner.Reader.Layout, new QualityCheckRunner(runner.Reader, contracts), TimeProvider.System);

    private static RunInfo Run(string job, string runId, Dictionary<string, string> parameters) =>
        new(job, runId, JobRunner.CodeVersion, "synthetic-" + runId, parameters, []);

    private static void Expect(JobRunResult result)
    {
        if (result.Status != JobRunStatus.Published)
            throw new InvalidOperationException($"{result.Job} {result.Date:yyyy-MM-dd}: {result.Status}: {result.Message}");
    }

    private static string GenreName(int genre) => $"genre-{genre:D3}";

    private static float[] Around(Random random, float[] centres, int genre, int factors, float spread)
    {
        var vector = SyntheticFactors.Gaussian(random, factors, spread);
        for (var f = 0; f < factors; f++) vector[f] += centres[genre * factors + f];
        return vector;
    }
}
