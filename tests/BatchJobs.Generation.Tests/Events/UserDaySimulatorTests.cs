using BatchJobs.Generation.Events;
using BatchJobs.Generation.Tests.Support;
using BatchJobs.Generation.World;

namespace BatchJobs.Generation.Tests.Events;

public sealed class UserDaySimulatorTests
{
    private const int Users = 600;
    private const int Days = 10;
    private static readonly WorldOptions Options = TestWorlds.Small("/tmp/unused") with { Users = Users, Tracks = 10_000, Artists = 600, Days = Days };
    private Catalogue _catalogue = null!;
    private List<(int User, int Day, EventRow Row)> _events = null!;

    [OneTimeSetUp]
    public void Simulate()
    {
        _catalogue = CatalogueBuilder.Build(Options);
        var simulator = new UserDaySimulator(_catalogue, Options.Seed, Options.EventsPerUserDay);
        _events = [];
        for (int day = 0; day < Days; day++)
        {
            for (int user = 0; user < Users; user++)
            {
                simulator.Simulate(user, day);
                foreach (var row in simulator.Events)
                {
                    _events.Add((user, day, row));
                }
            }
        }
    }

    [Test]
    public void Plays_fall_inside_their_day_in_strictly_increasing_time_per_user()
    {
        foreach (var userDay in _events.GroupBy(e => (e.User, e.Day)))
        {
            long start = UserDaySimulator.DayStartMs(_catalogue, userDay.Key.Day);
            long previous = long.MinValue;
            foreach (var (_, _, row) in userDay)
            {
                Assert.That(row.TsMs, Is.InRange(start, start + UserDaySimulator.DayMs - 1));
                Assert.That(row.TsMs, Is.GreaterThan(previous));
                previous = row.TsMs;
            }
        }
    }

    [Test]
    public void Plays_respect_release_and_signup_days_and_track_durations()
    {
        var profile = new UserProfile();
        foreach (var (user, day, row) in _events)
        {
            TrackInfo track = _catalogue.Tracks[row.Track];
            Assert.That(track.ReleaseDay, Is.LessThanOrEqualTo(day));
            Assert.That(row.MsPlayed, Is.InRange(0, track.DurationMs));
            Assert.That(row.Fault, Is.Null);
            profile.Load(Options.Seed, user, _catalogue);
            Assert.That(profile.SignupDay, Is.LessThanOrEqualTo(day));
        }
    }

    [Test]
    public void About_a_quarter_of_plays_are_skips_and_most_of_the_rest_complete()
    {
        double n = _events.Count;
        int skips = _events.Count(e => e.Row.MsPlayed < 30_000);
        int completions = _events.Count(e => e.Row.MsPlayed >= _catalogue.Tracks[e.Row.Track].DurationMs - 2_000);
        int partial = _events.Count(e => e.Row.MsPlayed >= 30_000 && e.Row.MsPlayed < _catalogue.Tracks[e.Row.Track].DurationMs - 2_000);
        Assert.That(skips / n, Is.InRange(0.18, 0.34));
        Assert.That(completions / n, Is.InRange(0.5, 0.75));
        Assert.That(partial / n, Is.InRange(0.05, 0.25));
    }

    [Test]
    public void Users_average_about_the_requested_events_per_day()
    {
        double perUserDay = _events.Count / (double)(Users * Days);
        Assert.That(perUserDay, Is.InRange(0.8 * Options.EventsPerUserDay, 1.1 * Options.EventsPerUserDay));
    }

    [Test]
    public void Users_mostly_play_their_taste_clusters()
    {
        var profile = new UserProfile();
        int inTaste = 0;
        foreach (var byUser in _events.GroupBy(e => e.User))
        {
            profile.Load(Options.Seed, byUser.Key, _catalogue);
            byte[] genres = profile.ClusterGenres.ToArray();
            Assert.That(genres, Has.Length.InRange(1, UserProfile.MaxClusters).And.Unique);
            inTaste += byUser.Count(e => genres.Contains(_catalogue.Tracks[e.Row.Track].Genre));
        }

        Assert.That(inTaste / (double)_events.Count, Is.GreaterThan(0.7));
    }

    [Test]
    public void Favourites_are_replayed_across_days()
    {
        var earlier = _events.Where(e => e.Day < Days - 1).Select(e => (e.User, e.Row.Track)).ToHashSet();
        var lastDay = _events.Where(e => e.Day == Days - 1).ToList();
        double replayed = lastDay.Count(e => earlier.Contains((e.User, e.Row.Track))) / (double)lastDay.Count;
        Assert.That(replayed, Is.GreaterThan(0.3));
    }

    [Test]
    public void New_releases_get_played_once_released()
    {
        Assert.That(_events.Count(e => _catalogue.Tracks[e.Row.Track].ReleaseDay >= 0), Is.GreaterThan(0));
    }

    [Test]
    public void Every_context_and_platform_occurs_and_listening_follows_the_clock()
    {
        Assert.That(_events.Select(e => e.Row.Context).Distinct().Count(), Is.EqualTo(EventVocabulary.Contexts.Length));
        Assert.That(_events.Select(e => e.Row.Platform).Distinct().Count(), Is.EqualTo(EventVocabulary.Platforms.Length));
        int[] byHour = new int[24];
        foreach (var (_, day, row) in _events)
        {
            byHour[(row.TsMs - UserDaySimulator.DayStartMs(_catalogue, day)) / 3_600_000]++;
        }

        Assert.That(byHour.Max(), Is.GreaterThan(1.3 * byHour.Min()), "a diurnal pattern, not a flat one");
    }

    [Test]
    public void A_user_day_does_not_depend_on_what_was_simulated_before()
    {
        var fresh = new UserDaySimulator(_catalogue, Options.Seed, Options.EventsPerUserDay);
        fresh.Simulate(123, 4);
        var expected = _events.Where(e => e.User == 123 && e.Day == 4).Select(e => e.Row).ToArray();
        Assert.That(fresh.Events.ToArray(), Is.EqualTo(expected));
        Assert.That(expected, Is.Not.Empty);
    }
}
