using BatchJobs.Jobs.Embeddings;

namespace BatchJobs.Jobs.Tests.Embeddings;

public class AffinityMatrixTests
{
    [Test]
    public void IdsAreSortedAndZeroAffinitiesOnlyRegisterThePair()
    {
        var matrix = AffinityMatrix.Build(["u2", "u1", "u1", "u3"], ["t9", "t1", "t9", "t1"], [2f, 0f, 1.5f, 0f]);
        Assert.That(matrix.UserIds, Is.EqualTo(new[] { "u1", "u2", "u3" }));
        Assert.That(matrix.TrackIds, Is.EqualTo(new[] { "t1", "t9" }));
        Assert.That(matrix.UserItems.NonZeros, Is.EqualTo(2));
        Assert.That(matrix.UserItems.RowIndices(0).ToArray(), Is.EqualTo(new[] { 1 }));
        Assert.That(matrix.UserItems.RowValues(0).ToArray(), Is.EqualTo(new[] { 1.5f }));
        Assert.That(matrix.UserItems.RowLength(2), Is.EqualTo(0), "u3 only has a zero affinity: a user without positives");
        Assert.That(matrix.Played, Does.Contain((0, 0)), "a zero-affinity pair still counts as played");
        Assert.That(matrix.PlayedMatrix().NonZeros, Is.EqualTo(4));
    }
}
