using BatchJobs.Generation.Events;
using BatchJobs.Generation.Tests.Support;
using BatchJobs.Generation.World;

namespace BatchJobs.Generation.Tests.Events;

public sealed class PartEventStreamTests
{
    private static readonly WorldOptions Options = TestWorlds.Small("/tmp/unused") with { Users = 2_000 };
    private Catalogue _catalogue = null!;

    [OneTimeSetUp]
    public void Build() => _catalogue = CatalogueBuilder.Build(Options);

    [Test]
    public void Duplicates_are_exact_copies_of_earlier_good_rows_and_counts_add_up()
    {
        var stream = NewStream(0, Enum.GetValues<BadRowKind>());
        var rows = Drain(stream, 4_096);
        var seen = new HashSet<EventRow>();
        int duplicates = rows.Count(row => !seen.Add(row));

        Assert.That(duplicates, Is.EqualTo(stream.Duplicates));
        Assert.That(rows, Has.Count.EqualTo(stream.GoodEvents + stream.Duplicates));
        Assert.That(stream.Duplicates / (double)stream.GoodEvents, Is.InRange(0.003, 0.008));
        Assert.That(rows, Has.All.Matches<EventRow>(r => r.Fault is null));
    }

    [Test]
    public void Output_does_not_depend_on_the_batch_size()
    {
        var kinds = Enum.GetValues<BadRowKind>();
        Assert.That(Drain(NewStream(0.2, kinds), 7), Is.EqualTo(Drain(NewStream(0.2, kinds), 16_384)));
    }

    [Test]
    public void The_bad_fraction_is_honoured_with_every_allowed_kind()
    {
        var kinds = Enum.GetValues<BadRowKind>();
        var stream = NewStream(0.25, kinds);
        var rows = Drain(stream, 1_000);
        int bad = rows.Count(r => r.Fault is not null);

        Assert.That(bad / (double)rows.Count, Is.InRange(0.23, 0.27));
        Assert.That(bad, Is.EqualTo(stream.BadByKind.ToArray().Sum()));
        foreach (var kind in kinds)
        {
            Assert.That(stream.BadByKind[(int)kind], Is.EqualTo(rows.Count(r => r.Fault == kind)).And.GreaterThan(0), kind.ToString());
        }
    }

    [Test]
    public void Only_the_kinds_given_are_used()
    {
        var stream = NewStream(0.3, [.. WorldGenerator.ParquetBadRowKinds]);
        var kinds = Drain(stream, 1_000).Where(r => r.Fault is not null).Select(r => r.Fault!.Value).Distinct();
        Assert.That(kinds, Is.EquivalentTo(WorldGenerator.ParquetBadRowKinds));
    }

    [Test]
    public void Semantic_faults_are_applied_to_the_values()
    {
        long dayStart = UserDaySimulator.DayStartMs(_catalogue, 1);
        foreach (var row in Drain(NewStream(0.5, Enum.GetValues<BadRowKind>()), 1_000).Where(r => r.Fault is not null))
        {
            switch (row.Fault)
            {
                case BadRowKind.EmptyUserId:
                    Assert.That(row.User, Is.EqualTo(-1));
                    break;
                case BadRowKind.EmptyTrackId:
                    Assert.That(row.Track, Is.EqualTo(-1));
                    break;
                case BadRowKind.UnknownTrackId:
                    Assert.That(row.Track, Is.GreaterThanOrEqualTo(_catalogue.TrackCount));
                    break;
                case BadRowKind.TimestampOutsideDay:
                    Assert.That(row.TsMs < dayStart || row.TsMs >= dayStart + UserDaySimulator.DayMs, Is.True);
                    Assert.That(Math.Abs(row.TsMs - dayStart), Is.LessThanOrEqualTo(3L * UserDaySimulator.DayMs));
                    break;
                case BadRowKind.NegativeMsPlayed:
                    Assert.That(row.MsPlayed, Is.Negative);
                    break;
                case BadRowKind.MsPlayedTooLarge:
                    Assert.That(row.MsPlayed, Is.GreaterThan(_catalogue.Tracks[row.Track].DurationMs + 600_000));
                    break;
                case BadRowKind.EmptyPlatform:
                    Assert.That(row.Platform, Is.EqualTo(EventVocabulary.NoPlatform));
                    break;
                case BadRowKind.UnknownPlatform:
                    Assert.That(EventVocabulary.UnknownPlatforms, Does.Contain(EventVocabulary.PlatformName(row.Platform)));
                    break;
            }
        }
    }

    private PartEventStream NewStream(double badFraction, BadRowKind[] kinds) =>
        new(new UserDaySimulator(_catalogue, Options.Seed, Options.EventsPerUserDay), _catalogue, Options.Seed, 1, 0, 0, Options.Users, badFraction, kinds);

    private static List<EventRow> Drain(PartEventStream stream, int batchSize)
    {
        var rows = new List<EventRow>();
        var batch = new EventRow[batchSize];
        int n;
        while ((n = stream.Fill(batch)) > 0)
        {
            rows.AddRange(batch.AsSpan(0, n));
        }

        return rows;
    }
}
