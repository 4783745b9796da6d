using BatchJobs.Jobs.Embeddings;

namespace BatchJobs.Jobs.Tests.Embeddings;

public class ArtistVectorsTests
{
    [Test]
    public void AnArtistIsTheAffinityWeightedMeanOfItsTracks()
    {
        // Tracks 0 and 1 belong to artist 0 (weights 3 and 1), track 2 to artist 1 (weight 0: plain mean).
        float[] tracks = [1, 0, 0, 1, 5, 5];
        var destination = new float[4];
        var counts = new int[2];
        ArtistVectors.WeightedMean(tracks, [0, 0, 1], [3, 1, 0], artists: 2, factors: 2, destination, counts);
        Assert.That(destination, Is.EqualTo(new[] { 0.75f, 0.25f, 5f, 5f }).Within(1e-6f));
        Assert.That(counts, Is.EqualTo(new[] { 2, 1 }));
    }

    [Test]
    public void MismatchedShapesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => ArtistVectors.WeightedMean(new float[4], [0, 0, 1], [1, 1, 1], 2, 2, new float[4], new int[2]));
    }
}
