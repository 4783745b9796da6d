using BatchJobs.Jobs.DailyMix;

namespace BatchJobs.Jobs.Tests.DailyMix;

public class MixAssemblyTests
{
    private static readonly DailyMixOptions Defaults = new();

    [TestCase(100, 1000, 37, 13, TestName = "many favourites: 37 + 13 = 50, a quarter new")]
    [TestCase(21, 1000, 21, 7, TestName = "21 favourites: 7 new for the share")]
    [TestCase(12, 1000, 12, 13, TestName = "few favourites: new tracks fill up to the minimum length")]
    [TestCase(10, 1000, 10, 15, TestName = "ten favourites: 60% new, the most allowed")]
    [TestCase(9, 1000, 0, 0, TestName = "nine favourites would make a mix 64% new: no mix")]
    [TestCase(20, 3, 0, 0, TestName = "too few new tracks to reach 25: no mix")]
    [TestCase(0, 1000, 0, 0, TestName = "no favourites: no mix")]
    public void SizesFollowTheShareAndTheBounds(int favourites, int fresh, int expectedFavourites, int expectedFresh)
    {
        Assert.That(MixAssembly.Sizes(favourites, fresh, Defaults), Is.EqualTo((expectedFavourites, expectedFresh)));
    }

    [TestCase(9, 1000, 9, 16, TestName = "the only mix of a thin history may be 64% new")]
    [TestCase(3, 1000, 3, 22, TestName = "three favourites: 22 new fill the mix to 25")]
    [TestCase(0, 1000, 0, 25, TestName = "no favourites: all 25 new")]
    [TestCase(3, 20, 0, 0, TestName = "still no mix shorter than 25")]
    public void TheMixOfAThinHistoryMayExceedTheNewShare(int favourites, int fresh, int expectedFavourites, int expectedFresh)
    {
        Assert.That(MixAssembly.Sizes(favourites, fresh, Defaults, mayExceedNewShare: true), Is.EqualTo((expectedFavourites, expectedFresh)));
    }

    [Test]
    public void TenFavouritesAreTheFewestForAMixWithinTheNewShare()
    {
        Assert.That(MixAssembly.FavouritesNeeded(Defaults), Is.EqualTo(10));
        Assert.That(MixAssembly.FavouritesNeeded(Defaults with { MinLength = 30, MaxNewShare = 0.5 }), Is.EqualTo(15));
        Assert.That(MixAssembly.Sizes(MixAssembly.FavouritesNeeded(Defaults), 1000, Defaults), Is.Not.EqualTo((0, 0)));
        Assert.That(MixAssembly.Sizes(MixAssembly.FavouritesNeeded(Defaults) - 1, 1000, Defaults), Is.EqualTo((0, 0)));
    }

    [Test]
    public void NewTracksAreSpreadEvenlyAndNeverFirst()
    {
        var flags = new bool[28];

        MixAssembly.Interleave(21, 7, flags);

        var positions = Enumerable.Range(1, 28).Where(p => flags[p - 1]).ToArray();
        Assert.That(positions, Is.EqualTo(new[] { 4, 8, 12, 16, 20, 24, 28 }));
    }

    [Test]
    public void UnevenCountsStillNeverPutTwoNewTracksSideBySideWhileFavouritesRemain()
    {
        var flags = new bool[25];

        MixAssembly.Interleave(19, 6, flags);

        Assert.That(flags.Count(f => f), Is.EqualTo(6));
        Assert.That(flags[0], Is.False);
        for (var p = 1; p < flags.Length; p++) Assert.That(flags[p] && flags[p - 1], Is.False, $"positions {p} and {p + 1}");
    }

    [TestCase(0, 2, true)]
    [TestCase(1, 3, true)]
    [TestCase(3, 3, false, TestName = "as many streams as skips is not kept skipping")]
    [TestCase(0, 1, false, TestName = "one skip is not a habit")]
    public void KeepsSkipping(int streams, int skips, bool expected) => Assert.That(MixAssembly.KeepsSkipping(streams, skips, 2), Is.EqualTo(expected));

    [Test]
    public void NamesListTwoOrThreeLeadingArtists()
    {
        Assert.That(MixAssembly.Name(["A", "B", "C"]), Is.EqualTo("A, B and C"));
        Assert.That(MixAssembly.Name(["A", "B"]), Is.EqualTo("A and B"));
        Assert.That(MixAssembly.Name(["A"]), Is.EqualTo("A"));
    }
}
