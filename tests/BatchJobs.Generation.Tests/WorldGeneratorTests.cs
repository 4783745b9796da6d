using System.Globalization;
using BatchJobs.Generation.Tests.Support;
using BatchJobs.Generation.World;

namespace BatchJobs.Generation.Tests;

public sealed class WorldGeneratorTests
{
    private TempFolder _clean = null!;
    private TempFolder _dirty = null!;
    private WorldSummary _cleanSummary = null!;
    private WorldSummary _dirtySummary = null!;

    [OneTimeSetUp]
    public async Task GenerateWorlds()
    {
        _clean = new TempFolder();
        _dirty = new TempFolder();
        _cleanSummary = await WorldGenerator.GenerateAsync(TestWorlds.Small(_clean.Path));
        _dirtySummary = await WorldGenerator.GenerateAsync(TestWorlds.Small(_dirty.Path, badRows: 0.3));
    }

    [OneTimeTearDown]
    public void DeleteWorlds()
    {
        _clean.Dispose();
        _dirty.Dispose();
    }

    [Test]
    public void Writes_one_partition_folder_per_day_ending_at_the_end_date_with_the_catalogue_beside_them()
    {
        string events = RawLayout.EventsFolder(_clean.Path);
        Assert.That(
            Directory.GetDirectories(events).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { "dt=2026-10-30", "dt=2026-10-31", "dt=2026-11-01", "dt=2026-11-02" }));
        foreach (string folder in Directory.GetDirectories(events))
        {
            Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.EqualTo(new[] { "part-00000.csv" }), folder);
        }

        Assert.That(_cleanSummary.Days.Select(d => d.Date), Is.EqualTo(new[]
        {
            new DateOnly(2026, 10, 30), new DateOnly(2026, 10, 31), new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 2),
        }));
        Assert.That(_cleanSummary.FilesWritten.All(File.Exists), Is.True);
        Assert.That(
            Directory.EnumerateFiles(_clean.Path, "*", SearchOption.AllDirectories).Select(Path.GetFileName),
            Has.None.StartsWith("."),
            "no temporary file is left behind");
    }

    [Test]
    public void Files_have_the_documented_headers()
    {
        Assert.That(File.ReadLines(RawLayout.TracksFile(_clean.Path)).First(), Is.EqualTo("track_id,artist_id,album_id,title,genre,duration_ms,release_date"));
        Assert.That(File.ReadLines(RawLayout.ArtistsFile(_clean.Path)).First(), Is.EqualTo("artist_id,name,genres"));
        Assert.That(File.ReadLines(RawLayout.UsersFile(_clean.Path)).First(), Is.EqualTo("user_id,country,signup_date"));
        foreach (var day in _cleanSummary.Days)
        {
            Assert.That(File.ReadLines(day.Files[0]).First(), Is.EqualTo("user_id,track_id,ts,ms_played,context,platform"));
        }

        byte[] head = File.ReadAllBytes(RawLayout.TracksFile(_clean.Path))[..3];
        Assert.That(head, Is.Not.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }), "no byte-order mark");
    }

    [Test]
    public void Catalogue_and_user_files_hold_one_row_per_entity()
    {
        Assert.That(RawEventFiles.ReadCsv(RawLayout.TracksFile(_clean.Path)).Rows, Has.Count.EqualTo(3_000));
        Assert.That(RawEventFiles.ReadCsv(RawLayout.ArtistsFile(_clean.Path)).Rows, Has.Count.EqualTo(200));
        Assert.That(RawEventFiles.ReadCsv(RawLayout.UsersFile(_clean.Path)).Rows, Has.Count.EqualTo(400));
        Assert.That(_cleanSummary.Albums, Is.GreaterThan(200).And.LessThan(3_000));
    }

    [Test]
    public async Task Same_seed_gives_byte_identical_files_whatever_the_parallelism()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();
        await WorldGenerator.GenerateAsync(TestWorlds.Small(a.Path, badRows: 0.1) with { MaxRowsPerPart = 1_000, MaxDegreeOfParallelism = 1 });
        await WorldGenerator.GenerateAsync(TestWorlds.Small(b.Path, badRows: 0.1) with { MaxRowsPerPart = 1_000, MaxDegreeOfParallelism = 4 });

        string[] filesA = RelativeFiles(a.Path);
        Assert.That(filesA, Is.EqualTo(RelativeFiles(b.Path)));
        Assert.That(filesA, Has.Length.GreaterThan(7), "several parts per day");
        foreach (string file in filesA)
        {
            Assert.That(File.ReadAllBytes(Path.Combine(a.Path, file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(b.Path, file))), file);
        }
    }

    [Test]
    public async Task A_different_seed_gives_different_files()
    {
        using var other = new TempFolder();
        await WorldGenerator.GenerateAsync(TestWorlds.Small(other.Path, seed: 8));
        foreach (string file in RelativeFiles(_clean.Path))
        {
            Assert.That(File.ReadAllBytes(Path.Combine(other.Path, file)), Is.Not.EqualTo(File.ReadAllBytes(Path.Combine(_clean.Path, file))), file);
        }
    }

    [Test]
    public void Summary_row_counts_match_the_lines_in_the_files()
    {
        foreach (var day in _dirtySummary.Days)
        {
            long lines = File.ReadAllBytes(day.Files[0]).Count(b => b == (byte)'\n') - 1;
            Assert.That(lines, Is.EqualTo(day.Rows), day.Date.ToString());
            Assert.That(day.Rows, Is.EqualTo(day.GoodEvents + day.Duplicates + day.BadRows));
        }
    }

    [Test]
    public void Each_day_holds_about_users_times_events_per_user_day()
    {
        double expected = 400 * WorldOptions.DefaultEventsPerUserDay;
        foreach (var day in _cleanSummary.Days)
        {
            Assert.That(day.Rows, Is.InRange(0.75 * expected, 1.25 * expected), day.Date.ToString());
        }
    }

    [Test]
    public void Every_row_of_a_clean_world_is_valid_and_consistent_with_the_catalogue_and_users()
    {
        var validator = new StrictEventValidator(_clean.Path);
        foreach (var day in _cleanSummary.Days)
        {
            foreach (var row in RawEventFiles.ReadEvents(day.Files[0]))
            {
                Assert.That(validator.Reject(row.Fields, day.Date), Is.Null, $"{row.File} row {row.Row}: {string.Join(',', row.Fields)}");
                Assert.That(validator.ReleaseDate(row.Fields[1]), Is.LessThanOrEqualTo(day.Date), "played before its release");
                Assert.That(validator.SignupDate(row.Fields[0]), Is.LessThanOrEqualTo(day.Date), "played before signing up");
                Assert.That(long.Parse(row.Fields[3], CultureInfo.InvariantCulture), Is.LessThanOrEqualTo(validator.DurationMs(row.Fields[1])));
            }
        }
    }

    [Test]
    public void Duplicates_are_exact_resends_some_on_a_later_line_than_the_next()
    {
        long duplicates = 0;
        bool laterLine = false;
        foreach (var day in _cleanSummary.Days)
        {
            var firstSeen = new Dictionary<string, long>();
            foreach (var row in RawEventFiles.ReadEvents(day.Files[0]))
            {
                if (firstSeen.TryGetValue(row.Key, out long original))
                {
                    duplicates++;
                    laterLine |= row.Row > original + 1;
                }
                else
                {
                    firstSeen.Add(row.Key, row.Row);
                }
            }

            Assert.That(firstSeen, Has.Count.EqualTo(day.GoodEvents), day.Date.ToString());
        }

        Assert.That(duplicates, Is.EqualTo(_cleanSummary.Duplicates).And.GreaterThan(0));
        Assert.That(laterLine, Is.True);
    }

    [Test]
    public void Bad_rows_are_exactly_the_rows_a_strict_reader_rejects_and_every_kind_occurs()
    {
        var validator = new StrictEventValidator(_dirty.Path);
        foreach (var day in _dirtySummary.Days)
        {
            var rows = RawEventFiles.ReadEvents(day.Files[0]);
            int rejected = rows.Count(r => validator.Reject(r.Fields, day.Date) is not null);
            Assert.That(rows, Has.Count.EqualTo(day.Rows), "one line per row: nothing swallowed or split");
            Assert.That(rejected, Is.EqualTo(day.BadRows), day.Date.ToString());
        }

        double share = (double)_dirtySummary.BadRows / _dirtySummary.Rows;
        Assert.That(share, Is.InRange(0.27, 0.33));
        Assert.That(_dirtySummary.BadRowsByKind.Keys, Is.EquivalentTo(Enum.GetValues<BadRowKind>()));
        Assert.That(_dirtySummary.BadRowsByKind.Values, Has.All.GreaterThan(0));
    }

    [Test]
    public void Titles_and_names_with_commas_and_quotes_round_trip_through_csvhelper()
    {
        var tracks = RawEventFiles.ReadCsv(RawLayout.TracksFile(_clean.Path)).Rows;
        for (int t = 0; t < tracks.Count; t++)
        {
            Assert.That(tracks[t], Has.Length.EqualTo(7));
            Assert.That(tracks[t][3], Is.EqualTo(Names.TrackTitle(7, t)), $"track {t}");
        }

        Assert.That(tracks.Select(r => r[3]), Has.Some.Contains(","));
        Assert.That(tracks.Select(r => r[3]), Has.Some.Contains("\""));
        Assert.That(tracks.Select(r => r[3]), Has.Some.Matches<string>(s => s!.Any(c => c > 127)));

        var artists = RawEventFiles.ReadCsv(RawLayout.ArtistsFile(_clean.Path)).Rows;
        for (int a = 0; a < artists.Count; a++)
        {
            Assert.That(artists[a][1], Is.EqualTo(Names.ArtistName(7, a)), $"artist {a}");
            Assert.That(artists[a][2].Split(';'), Has.Length.InRange(1, 3).And.All.AnyOf(Genres.Names));
        }
    }

    [Test]
    public async Task A_large_day_is_split_into_parts_by_user_range()
    {
        using var root = new TempFolder();
        var summary = await WorldGenerator.GenerateAsync(TestWorlds.Small(root.Path) with { Days = 1, MaxRowsPerPart = 1_000 });

        var day = summary.Days.Single();
        Assert.That(day.Files.Select(Path.GetFileName), Is.EqualTo(Enumerable.Range(0, 5).Select(p => $"part-{p:D5}.csv")));
        var usersSeen = new HashSet<string>();
        long rows = 0;
        foreach (string part in day.Files)
        {
            var events = RawEventFiles.ReadEvents(part);
            rows += events.Count;
            Assert.That(events, Has.Count.LessThan(1_500), part);
            var users = events.Select(e => e.Fields[0]).ToHashSet();
            Assert.That(users.Overlaps(usersSeen), Is.False, "a user belongs to one part of a day");
            usersSeen.UnionWith(users);
        }

        Assert.That(rows, Is.EqualTo(day.Rows));
    }

    [Test]
    public async Task Regenerating_removes_part_files_of_the_same_days_that_it_did_not_write()
    {
        using var root = new TempFolder();
        await WorldGenerator.GenerateAsync(TestWorlds.Small(root.Path) with { MaxRowsPerPart = 1_000 });
        var summary = await WorldGenerator.GenerateAsync(TestWorlds.Small(root.Path, format: EventFileFormat.Parquet));

        foreach (var day in summary.Days)
        {
            string folder = Path.GetDirectoryName(day.Files[0])!;
            Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.EqualTo(new[] { "part-00000.parquet" }));
        }
    }

    [Test]
    public async Task Progress_ends_with_every_row_and_file_accounted_for()
    {
        using var root = new TempFolder();
        var progress = new RecordingProgress();
        var summary = await WorldGenerator.GenerateAsync(TestWorlds.Small(root.Path), progress);

        Assert.That(progress.Reports.Max(r => r.EventRowsWritten), Is.EqualTo(summary.Rows));
        Assert.That(progress.Reports.Max(r => r.FilesCompleted), Is.EqualTo(3 + 4));
        Assert.That(progress.Reports.Select(r => r.FilesTotal), Has.All.EqualTo(3 + 4));
        Assert.That(progress.Reports[0].ExpectedEventRows, Is.InRange(0.9 * summary.Rows, 1.2 * summary.Rows));
    }

    [Test]
    public void Cancelling_stops_generation_and_leaves_no_temporary_files()
    {
        using var root = new TempFolder();
        using var cancel = new CancellationTokenSource();
        var progress = new RecordingProgress(_ => cancel.Cancel());

        Assert.That(
            async () => await WorldGenerator.GenerateAsync(TestWorlds.Small(root.Path) with { Users = 20_000 }, progress, cancel.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(
            Directory.EnumerateFiles(root.Path, "*", SearchOption.AllDirectories).Select(Path.GetFileName),
            Has.None.EndsWith(".tmp"));
    }

    [Test]
    public async Task Invalid_options_are_rejected_with_every_problem_before_anything_is_written()
    {
        using var root = new TempFolder();
        string target = Path.Combine(root.Path, "world");
        var options = TestWorlds.Small(target) with { Users = 0, BadRowFraction = 1.5 };

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await WorldGenerator.GenerateAsync(options));
        Assert.That(error!.Message, Does.Contain("users: must be at least 1; got 0"));
        Assert.That(error.Message, Does.Contain("bad-rows: must be a fraction between 0 and 1"));
        Assert.That(Directory.Exists(target), Is.False);
    }

    private static string[] RelativeFiles(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f))
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Records reports synchronously on the reporting thread (unlike <see cref="Progress{T}"/>).</summary>
    private sealed class RecordingProgress(Action<GenerationProgress>? onReport = null) : IProgress<GenerationProgress>
    {
        private readonly List<GenerationProgress> _reports = [];

        public List<GenerationProgress> Reports
        {
            get
            {
                lock (_reports)
                {
                    return [.. _reports];
                }
            }
        }

        public void Report(GenerationProgress value)
        {
            lock (_reports)
            {
                _reports.Add(value);
            }

            onReport?.Invoke(value);
        }
    }
}
