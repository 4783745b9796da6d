using BatchJobs.Jobs.Clustering;

namespace BatchJobs.Jobs.Tests.Clustering;

public class ClusterLabelsTests
{
    [Test]
    public void LabelsNameTheLeadingGenreAndTheArtistsWithMostTracks()
    {
        int[] assignments = [0, 0, 0, 0, 1];
        string[] genres = ["rock", "rock", "pop", "rock", "jazz"];
        string[] artists = ["a2", "a1", "a1", "a3", "a9"];

        var labels = ClusterLabels.Label(assignments, genres, artists, new Dictionary<string, string> { ["a1"] = "One", ["a2"] = "Two" }, 2, topArtists: 2);

        Assert.That(labels[0], Is.EqualTo(new ClusterLabel(0, 4, "rock", 0.75, ["a1", "a2"], "rock · One, Two")).Using<ClusterLabel>((x, y) =>
            x.ClusterId == y.ClusterId && x.Tracks == y.Tracks && x.LeadingGenre == y.LeadingGenre && x.GenreShare == y.GenreShare
            && x.TopArtistIds.SequenceEqual(y.TopArtistIds) && x.Label == y.Label));
        Assert.That(labels[1].Label, Is.EqualTo("jazz · a9"), "an artist without a name shows its id");
    }
}
