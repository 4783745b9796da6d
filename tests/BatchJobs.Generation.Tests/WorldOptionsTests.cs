using BatchJobs.Generation.Tests.Support;

namespace BatchJobs.Generation.Tests;

public sealed class WorldOptionsTests
{
    private static readonly WorldOptions Valid = TestWorlds.Small("/tmp/unused");

    private static IEnumerable<TestCaseData> InvalidOptions()
    {
        yield return Case(Valid with { Root = " " }, "root: a folder path is required.");
        yield return Case(Valid with { Users = 0 }, "users: must be at least 1; got 0.");
        yield return Case(Valid with { Users = -5 }, "users: must be at least 1; got -5.");
        yield return Case(Valid with { Artists = 0 }, "artists: must be at least 1; got 0.");
        yield return Case(Valid with { Tracks = 0 }, "tracks: must be at least 1; got 0.");
        yield return Case(Valid with { Tracks = 150 }, "tracks: must be at least the number of artists (200) so every artist has a track; got 150.");
        yield return Case(Valid with { Days = 0 }, "days: must be between 1 and 3660; got 0.");
        yield return Case(Valid with { Days = 3661 }, "days: must be between 1 and 3660; got 3661.");
        yield return Case(Valid with { EndDate = new DateOnly(1980, 1, 2) }, "end-date: the 4 days ending 1980-01-02 must lie between 1980-01-01 and 9000-12-31.");
        yield return Case(Valid with { EndDate = new DateOnly(1, 1, 2) }, "end-date: the 4 days ending 0001-01-02 must lie between");
        yield return Case(Valid with { EndDate = new DateOnly(9999, 1, 1) }, "end-date: the 4 days ending 9999-01-01");
        yield return Case(Valid with { BadRowFraction = -0.01 }, "bad-rows: must be a fraction between 0 and 1 (for example 0.02); got -0.01.");
        yield return Case(Valid with { BadRowFraction = 1.5 }, "bad-rows: must be a fraction between 0 and 1 (for example 0.02); got 1.5.");
        yield return Case(Valid with { BadRowFraction = double.NaN }, "bad-rows: must be a fraction between 0 and 1 (for example 0.02); got NaN.");
        yield return Case(Valid with { EventsPerUserDay = 0 }, "events per user-day: must be above 0 and at most 1000; got 0.");
        yield return Case(Valid with { MaxRowsPerPart = 999 }, "rows per part: must be at least 1000; got 999.");
        yield return Case(Valid with { MaxDegreeOfParallelism = -1 }, "parallelism: must be 0 (one per processor) or more; got -1.");
        yield return Case(Valid with { Format = (EventFileFormat)7 }, "format: must be csv or parquet; got 7.");
    }

    [TestCaseSource(nameof(InvalidOptions))]
    public void An_invalid_option_is_reported_by_name_with_what_is_accepted(WorldOptions options, string expected)
    {
        Assert.That(options.Validate(), Has.Count.EqualTo(1).And.Some.StartsWith(expected));
    }

    [Test]
    public void Every_problem_is_reported_at_once()
    {
        var options = Valid with { Users = 0, Days = 0, BadRowFraction = 2 };
        Assert.That(options.Validate(), Has.Count.EqualTo(3));
    }

    [TestCase(1, 1, 1, 1, 0.0)]
    [TestCase(1, 5, 5, 3660, 1.0)]
    public void Boundary_values_are_accepted(int users, int tracks, int artists, int days, double badRows)
    {
        var options = Valid with { Users = users, Tracks = tracks, Artists = artists, Days = days, BadRowFraction = badRows };
        Assert.That(options.Validate(), Is.Empty);
    }

    [Test]
    public void The_window_ends_at_the_end_date()
    {
        Assert.That(Valid.StartDate, Is.EqualTo(new DateOnly(2026, 10, 30)));
    }

    private static TestCaseData Case(WorldOptions options, string expected) =>
        new TestCaseData(options, expected).SetArgDisplayNames(expected);
}
