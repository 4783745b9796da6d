using BatchJobs.Scoring.TopK;

namespace BatchJobs.Scoring.Tests.TopK;

public class RoutingTests
{
    [Test]
    public void Probes_the_best_clusters_best_first_and_inverts_them()
    {
        // 80 clusters; user 0 ranks clusters whose sizes add up to its keep within the 10 probes, user 1 ranks the
        // one-item clusters first, so it must go past 10 probes, in score order, until it holds its 70 items.
        const int clusters = 80;
        const int probes = 10;
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

        routing.Build(scores, clusters, userCount: 2, sizes, probes, keep);

        for (var user = 0; user < 2; user++)
        {
            var byScore = Enumerable.Range(0, clusters).OrderByDescending(c => scores[user * clusters + c]).ToList();
            var taken = new List<int>();
            foreach (var c in byScore)
            {
                if (taken.Count >= probes && taken.Sum(t => sizes[t]) >= keep[user]) break;
                taken.Add(c);
            }
            var probed = routing.ClustersOf(user).ToArray();
            Assert.That(probed, Is.EqualTo(taken), $"user {user} probes, best first");
        }
        Assert.That(routing.ClustersOf(1).Length, Is.GreaterThan(probes), "the fixture must make user 1 go past its probes");

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
