using BatchJobs.Scoring.TopK;

namespace BatchJobs.Scoring.Tests.TopK;

public class RoutingTests
{
    [Test]
    public void Probes_the_best_clusters_best_first_until_they_hold_the_candidates_and_inverts_them()
    {
        // 80 clusters of 1 or 10 items (440 in all), 30 candidates: user 0's best clusters alternate in size and
        // reach 30 items within a few; user 1 ranks the 40 one-item clusters first and keeps 70 items, so it needs
        // all of them and three more, far more clusters than average ones would need.
        const int clusters = 80;
        const long candidates = 30;
        int[] keep = [12, 70];
        // Cluster ids shuffled against rank, so that selection has to move keys around.
        var byRank = Enumerable.Range(0, clusters).OrderBy(c => (c * 37) % clusters).ToArray();
        var sizes = new int[clusters];
        var scores = new float[2 * clusters];
        for (var rank = 0; rank < clusters; rank++)
        {
            var c = byRank[rank];
            sizes[c] = rank % 2 == 0 ? 1 : 10;
            scores[c] = 100 - rank;
            scores[clusters + c] = rank % 2 == 0 ? 200 - rank : rank;
        }
        var routing = new Routing(maxUsers: 2, clusters);

        routing.Build(scores, clusters, userCount: 2, sizes, candidates, keep);

        for (var user = 0; user < 2; user++)
        {
            var byScore = Enumerable.Range(0, clusters).OrderByDescending(c => scores[user * clusters + c]).ToList();
            var taken = new List<int>();
            foreach (var c in byScore)
            {
                if (taken.Sum(t => sizes[t]) >= Math.Max(candidates, keep[user])) break;
                taken.Add(c);
            }
            var probed = routing.ClustersOf(user).ToArray();
            Assert.That(probed, Is.EqualTo(taken), $"user {user} probes, best first");
        }
        Assert.That(routing.ClustersOf(1).Length, Is.EqualTo(43), "the fixture must make user 1 go past its best clusters");

        for (var c = 0; c < clusters; c++)
        {
            var users = Enumerable.Range(0, 2).Where(u => routing.ClustersOf(u).Contains(c)).ToArray();
            Assert.That(routing.UsersOf(c).ToArray(), Is.EqualTo(users), $"cluster {c}");
        }

        routing.Restrict([1]);

        for (var c = 0; c < clusters; c++)
        {
            int[] users = routing.ClustersOf(1).Contains(c) ? [1] : [];
            Assert.That(routing.UsersOf(c).ToArray(), Is.EqualTo(users), $"cluster {c} after restricting to user 1");
        }
    }
}
