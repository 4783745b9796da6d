using BatchJobs.Core;
using BatchJobs.Core.Jobs;
using BatchJobs.Core.Snapshots;
using BatchJobs.Jobs.Affinity;

namespace BatchJobs.Jobs.Tests.Affinity;

public class UserTrackAffinityJobTests
{
    private static readonly DateOnly Nov1 = new(2026, 11, 1);
    private static readonly DateOnly Nov2 = new(2026, 11, 2);
    private static readonly DateOnly Nov3 = new(2026, 11, 3);
    private TestWorld world = null!;

    [SetUp]
    public void SetUp() => world = new TestWorld();

    [TearDown]
    public void TearDown() => world.Dispose();

    /// <summary>
    /// A fixture computed by hand with the contract defaults (half-life 14 days, skip discount 0.5), as of Nov 3:
    /// weights are 1 (age 0), 0.5^(1/14) = 0.9516951530 (age 1) and 0.5^(2/14) = 0.9057236643 (age 2).
    /// u1,t1: stream Nov 1, skip Nov 2, stream Nov 3 → 0.9057236643 + 1 − 0.5 × 0.9516951530 = 1.4298760878.
    /// u1,t2: two skips Nov 3 → max(0, −1) = 0.
    /// u2,t1: stream Nov 2, short-track completion of t40 is another key → 0.9516951530.
    /// u2,t40: a 20 s track played to its end on Nov 3: one play, neither stream nor skip → 0.
    /// </summary>
    [Test]
    public async Task TheSqlMatchesAHandComputedFixture()
    {
        var filler = (DateOnly day) => TestWorld.ValidEvents(day, 30).Select(l => "f" + l); // other users, keep checks meaningful
        world.WriteEvents(Nov1, filler(Nov1).Append(TestWorld.Event("u1", "t1", Nov1, 3600, 200_000)));
        world.WriteEvents(Nov2, filler(Nov2).Append(TestWorld.Event("u1", "t1", Nov2, 3600, 5_000)).Append(TestWorld.Event("u2", "t1", Nov2, 7200, 60_000)));
        world.WriteEvents(Nov3, filler(Nov3).Concat(
        [
            TestWorld.Event("u1", "t1", Nov3, 60, 45_000),
            TestWorld.Event("u1", "t2", Nov3, 61, 1_000),
            TestWorld.Event("u1", "t2", Nov3, 62, 2_000),
            TestWorld.Event("u2", "t40", Nov3, 63, 20_000),
        ]));
        foreach (var day in new[] { Nov1, Nov2, Nov3 })
        {
            await world.RunAsync("publish-catalog", day);
            Assert.That((await world.RunAsync("ingest-listening-events", day)).Status, Is.EqualTo(JobRunStatus.Published));
        }

        var result = await world.RunAsync("user-track-affinity", Nov3);

        Assert.That(result.Status, Is.EqualTo(JobRunStatus.Published), result.Message);
        var rows = await ReadAsync(world.Runner.Reader.TryResolve("user_track_affinity", Nov3)!);
        Assert.Multiple(() =>
        {
            Assert.That(rows[("u1", "t1")].Plays, Is.EqualTo(3));
            Assert.That(rows[("u1", "t1")].Streams, Is.EqualTo(2));
            Assert.That(rows[("u1", "t1")].Skips, Is.EqualTo(1));
            Assert.That(rows[("u1", "t1")].LastPlayedAt, Is.EqualTo(new DateTime(2026, 11, 3, 0, 1, 0, DateTimeKind.Utc)));
            Assert.That(rows[("u1", "t1")].Affinity, Is.EqualTo(1.4298760878).Within(1e-9));
            Assert.That(rows[("u1", "t2")], Is.EqualTo((2L, 0L, 2L, new DateTime(2026, 11, 3, 0, 1, 2, DateTimeKind.Utc), 0.0)));
            Assert.That(rows[("u2", "t1")].Affinity, Is.EqualTo(0.9516951530).Within(1e-9));
            Assert.That(rows[("u2", "t40")], Is.EqualTo((1L, 0L, 0L, new DateTime(2026, 11, 3, 0, 1, 3, DateTimeKind.Utc), 0.0)));
        });
        Assert.That(result.Manifests[0].Inputs.Select(i => i.Partition), Is.EqualTo(new[] { "2026-11-01", "2026-11-02", "2026-11-03" }), "lineage names every partition read");
    }

    [TestCase(0, 14.0)]
    [TestCase(14, 14.0)]
    [TestCase(1, 1.0)]
    [TestCase(27, 14.0)]
    [TestCase(5, 3.5)]
    public void RecencyWeightsAreWholeMultiplesOfTwoToTheMinus30WithinHalfOfOne(int ageDays, double halfLifeDays)
    {
        var weight = UserTrackAffinityJob.RecencyWeight(ageDays, halfLifeDays);
        var scaled = weight * (1 << 30);
        Assert.That(scaled, Is.EqualTo(Math.Round(scaled)), "a whole multiple of 2^-30, so sums of weights are exact");
        Assert.That(weight, Is.EqualTo(Math.Pow(0.5, ageDays / halfLifeDays)).Within(0.5 / (1 << 30)));
    }

    [Test]
    public void SumsOfRecencyWeightsDoNotDependOnTheOrderOfAddition()
    {
        var weights = Enumerable.Range(0, 200_000).Select(i => UserTrackAffinityJob.RecencyWeight(i % 28, 14.0)).ToArray();
        var forward = 0.0;
        foreach (var w in weights) forward += w;
        var shuffled = weights.ToArray();
        new Random(7).Shuffle(shuffled);
        var pairwise = shuffled.Chunk(1000).Select(chunk => chunk.Sum()).Reverse().Sum();
        Assert.That(pairwise, Is.EqualTo(forward), "bit for bit");
    }

    [Test]
    public async Task AHalfLifeOverrideChangesTheWeights()
    {
        world.WriteEvents(Nov2, TestWorld.ValidEvents(Nov2, 30).Append(TestWorld.Event("u1", "t1", Nov2, 3600, 200_000)));
        world.WriteEvents(Nov3, TestWorld.ValidEvents(Nov3, 30));
        foreach (var day in new[] { Nov2, Nov3 })
        {
            await world.RunAsync("publish-catalog", day);
            await world.RunAsync("ingest-listening-events", day);
        }
        await world.RunAsync("user-track-affinity", Nov3, overrides: new Dictionary<string, string> { ["half_life_days"] = "1" });
        var rows = await ReadAsync(world.Runner.Reader.TryResolve("user_track_affinity", Nov3)!);
        Assert.That(rows[("u1", "t1")].Affinity, Is.EqualTo(0.5).Within(1e-12));
    }

    [Test]
    public async Task WithoutTheDatesOwnEventsItIsNotReady()
    {
        world.WriteEvents(Nov2, TestWorld.ValidEvents(Nov2, 30));
        await world.RunAsync("publish-catalog", Nov2);
        await world.RunAsync("ingest-listening-events", Nov2);
        var result = await world.RunAsync("user-track-affinity", Nov3);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InputsNotReady));
        Assert.That(result.Message, Does.Contain("listening_events dt=2026-11-03"));
    }

    private static async Task<Dictionary<(string, string), (long Plays, long Streams, long Skips, DateTime LastPlayedAt, double Affinity)>> ReadAsync(PublishedSnapshot snapshot)
    {
        var rows = new Dictionary<(string, string), (long, long, long, DateTime, double)>();
        await foreach (var r in SnapshotReader.ReadRowsAsync(snapshot))
            rows[((string)r[0]!, (string)r[1]!)] = ((long)r[2]!, (long)r[3]!, (long)r[4]!, (DateTime)r[5]!, (double)r[6]!);
        return rows;
    }
}
