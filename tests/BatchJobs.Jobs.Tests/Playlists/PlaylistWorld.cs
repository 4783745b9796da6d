using System.Globalization;
using System.Text;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Snapshots;

namespace BatchJobs.Jobs.Tests.Playlists;

/// <summary>
/// A small world for the feature jobs: 4 genres x 10 artists x 5 tracks (200 tracks, t000..t199, artist aGA where G is
/// the genre), 40 listeners who each play mostly one genre (u00..u39, genre = u % 4) from a fixed pool of favourites
/// with a few plays of a second genre, one thin listener (u40, three plays), and u00 skipping t000 again and again.
/// </summary>
public sealed class PlaylistWorld : IDisposable
{
    public static readonly string[] Genres = ["rock", "jazz", "latin", "metal"];
    public const string SkippedTrack = "t000";

    public PlaylistWorld(DateOnly last, int days)
    {
        World = new TestWorld();
        Last = last;
        First = last.AddDays(1 - days);
        WriteCatalogue();
    }

    public TestWorld World { get; }
    public DateOnly First { get; }
    public DateOnly Last { get; }
    public string Root => World.Root;

    /// <summary>Every (user, track) played, by day.</summary>
    public Dictionary<DateOnly, HashSet<(string User, string Track)>> Played { get; } = [];

    public static string Track(int i) => $"t{i:000}";

    /// <summary>Track i belongs to artist i / 5 and genre (i / 5) % 4.</summary>
    public static string ArtistOf(int track) => $"a{track / 5:00}";

    public static string GenreOf(int track) => Genres[track / 5 % 4];

    private void WriteCatalogue()
    {
        var tracks = new StringBuilder("track_id,artist_id,album_id,title,genre,duration_ms,release_date\n");
        for (var i = 0; i < 200; i++) tracks.Append(CultureInfo.InvariantCulture, $"{Track(i)},{ArtistOf(i)},al{i / 5},Song {i},{GenreOf(i)},200000,2020-01-01\n");
        var artists = new StringBuilder("artist_id,name,genres\n");
        for (var a = 0; a < 40; a++) artists.Append(CultureInfo.InvariantCulture, $"a{a:00},Artist {a},{Genres[a % 4]}\n");
        File.WriteAllText(Path.Combine(Root, "raw", "catalog", "tracks.csv"), tracks.ToString());
        File.WriteAllText(Path.Combine(Root, "raw", "catalog", "artists.csv"), artists.ToString());
    }

    /// <summary>The tracks of a genre.</summary>
    public static IEnumerable<int> TracksOf(int genre) => Enumerable.Range(0, 200).Where(t => t / 5 % 4 == genre);

    /// <summary>Writes and ingests every day's events.</summary>
    public async Task PublishHistoryAsync()
    {
        var random = new Random(11);
        var favourites = new Dictionary<int, int[]>();
        for (var u = 0; u < 40; u++)
        {
            var own = TracksOf(u % 4).OrderBy(_ => random.Next()).Take(32).ToArray();
            var other = TracksOf((u + 1) % 4).OrderBy(_ => random.Next()).Take(4).ToArray();
            favourites[u] = [.. own, .. other];
        }
        for (var day = First; day <= Last; day = day.AddDays(1))
        {
            var lines = new List<string>();
            var played = Played[day] = [];
            void Play(string user, string track, int second, long ms)
            {
                lines.Add(TestWorld.Event(user, track, day, second, ms));
                played.Add((user, track));
            }
            for (var u = 0; u < 40; u++)
            {
                var user = $"u{u:00}";
                for (var p = 0; p < 12; p++)
                {
                    var pool = favourites[u];
                    // Mostly the first 20 favourites, sometimes the rest, so every track has listeners.
                    var track = p < 9 ? pool[random.Next(20)] : pool[20 + random.Next(pool.Length - 20)];
                    Play(user, Track(track), 100 * (u * 20 + p), 180_000);
                }
            }
            // u00 keeps skipping t000 (5 s of a 200 s track), and streams it never.
            Play("u00", SkippedTrack, 100 * 19, 5_000);
            Play("u00", SkippedTrack, 100 * 19 + 50, 4_000);
            if (day == Last)
                for (var p = 0; p < 3; p++) Play("u40", Track(40 * p + 1), 100 + p * 300, 180_000);
            World.WriteEvents(day, lines);
        }
    }

    /// <summary>Runs every job the targets need for <see cref="Last"/>, as the demo does (overrides per job).</summary>
    public async Task<IReadOnlyList<JobRunResult>> RunAsync(IEnumerable<string> targets, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? overrides = null)
    {
        var graph = new JobGraph(JobCatalog.LoadContracts());
        var results = new List<JobRunResult>();
        foreach (var (job, date) in graph.Plan(targets, Last, First))
        {
            var result = await World.Runner.RunAsync(job, date, false, overrides?.GetValueOrDefault(job), TextWriter.Null);
            if (result.Status != JobRunStatus.Published && result.Status != JobRunStatus.UpToDate)
                TestContext.Out.WriteLine($"{job} {date}: {result.Status}: {result.Message}");
            results.Add(result);
        }
        return results;
    }

    /// <summary>The rows of the partition of <paramref name="dataset"/> that holds <paramref name="date"/>.</summary>
    public async Task<List<object?[]>> RowsAsync(string dataset, DateOnly date)
    {
        var contract = JobCatalog.LoadContracts().Get(dataset);
        var snapshot = World.Runner.Reader.TryResolve(dataset, contract.PartitionOf(date)) ?? throw new AssertionException($"{dataset} is not published for {date}");
        var rows = new List<object?[]>();
        await foreach (var row in SnapshotReader.ReadRowsAsync(snapshot)) rows.Add(row);
        return rows;
    }

    public void Dispose() => World.Dispose();
}
