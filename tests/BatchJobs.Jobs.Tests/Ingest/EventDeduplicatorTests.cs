using BatchJobs.Jobs.Ingest;

namespace BatchJobs.Jobs.Tests.Ingest;

public class EventDeduplicatorTests
{
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(5)]
    public void KeepsTheFirstCopyOfEveryKeyInBatchOrderLikeOneHashSet(int partitions)
    {
        // Re-sends within a batch and across batches, some keys sent three times, and rows that share two of the
        // three key fields (not duplicates).
        var random = new Random(11);
        var batches = Enumerable.Range(0, 7).Select(_ => new EventBatch(16)).ToList();
        var sent = new List<(string User, int Track, long Ticks)>();
        var start = new DateTime(2026, 11, 22, 0, 0, 0, DateTimeKind.Utc);
        foreach (var batch in batches)
        {
            for (var i = 0; i < 3_000; i++)
            {
                (string User, int Track, long Ticks) key = sent.Count > 0 && random.Next(10) == 0
                    ? sent[random.Next(sent.Count)]
                    : ($"u{random.Next(300)}", random.Next(50), start.AddSeconds(random.Next(2_000)).Ticks);
                sent.Add(key);
                // The user id as a new string, so equal ids are not the same object.
                batch.Add(new string(key.User.AsSpan()), key.Track, new DateTime(key.Ticks, DateTimeKind.Utc), msPlayed: i, "ctx", "web");
            }
        }
        var seen = new HashSet<(string, int, long)>();
        var expected = sent.Select((key, row) => (key, row)).Where(r => seen.Add(r.key)).Select(r => (r.key.User, r.key.Track, r.key.Ticks)).ToList();

        var removed = EventDeduplicator.Deduplicate(batches, partitions);

        var kept = batches.SelectMany(b => Enumerable.Range(0, b.Count).Select(i => (b.Users[i], b.Tracks[i], b.PlayedAtTicks[i]))).ToList();
        Assert.That(kept, Is.EqualTo(expected), "the first copy of each key, in order");
        Assert.That(removed, Is.EqualTo(sent.Count - expected.Count));
        Assert.That(removed, Is.GreaterThan(1_000), "the corpus has duplicates to remove");
    }

    [Test]
    public void RowsDifferingInOneKeyFieldAreAllKept()
    {
        var batch = new EventBatch(4);
        var at = new DateTime(2026, 11, 22, 8, 0, 0, DateTimeKind.Utc);
        batch.Add("u1", 1, at, 1, "c", "web");
        batch.Add("u2", 1, at, 1, "c", "web");
        batch.Add("u1", 2, at, 1, "c", "web");
        batch.Add("u1", 1, at.AddTicks(1), 1, "c", "web");
        batch.Add("u1", 1, at, 99, "other", "ios");

        Assert.That(EventDeduplicator.Deduplicate([batch], 2), Is.EqualTo(1), "only the last row repeats the first's user, track and instant");
        Assert.That(batch.Count, Is.EqualTo(4));
        Assert.That(batch.MsPlayed.AsSpan(0, 4).ToArray(), Is.All.EqualTo(1L), "the first copy's other fields are kept");
    }
}
