using BatchJobs.Jobs.Playlists;

namespace BatchJobs.Jobs.Tests.Playlists;

public class ListeningHistoryTests
{
    [Test]
    public void Each_users_plays_come_most_affine_first_ties_by_track_and_unknown_rows_are_left_out()
    {
        // Rows in no order; user -1 and track -1 stand for ids the model does not know.
        int[] users = [1, 0, 1, 0, -1, 1, 0];
        int[] tracks = [5, 2, 3, 7, 1, 4, -1];
        float[] affinity = [1f, 0f, 2f, 0.5f, 9f, 2f, 3f];
        int[] streams = [1, 0, 2, 1, 9, 3, 4];
        int[] skips = [0, 1, 0, 0, 0, 1, 0];

        var history = ListeningHistory.Build(2, users, tracks, affinity, streams, skips);

        Assert.That(history.Count, Is.EqualTo(5));
        Assert.That(history.TracksOf(0).ToArray(), Is.EqualTo(new[] { 7, 2 }));
        Assert.That(history.AffinitiesOf(0).ToArray(), Is.EqualTo(new[] { 0.5f, 0f }), "zero affinity is still history");
        Assert.That(history.TracksOf(1).ToArray(), Is.EqualTo(new[] { 3, 4, 5 }), "2, 2 (tie by track), then 1");
        Assert.That(history.StreamsOf(1).ToArray(), Is.EqualTo(new[] { 2, 3, 1 }));
        Assert.That(history.SkipsOf(1).ToArray(), Is.EqualTo(new[] { 0, 1, 0 }));
    }
}
