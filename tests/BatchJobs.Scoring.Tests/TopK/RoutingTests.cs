using BatchJobs.Scoring.TopK;

namespace BatchJobs.Scoring.Tests.TopK;

public class RoutingTests
{
    [Test]
    public void Probes_the_best_clusters_until_the_target_and_inverts_them()
    {
        // 80 clusters, every fourth empty: the 45 best-scoring ones hold one item each, so the target of 70
        // items reaches past the clusters a typical user needs and into the rest (regression: the rest came
        // from scratch that selection had left with repeated keys, so a cluster could be probed twice).
        const int clusters = 80;
        const int target = 70;
        // Cluster ids shuffled against rank, so that selection has to move keys around.
        var byRank = Enumerable.Range(0, clusters).OrderBy(c => (c * 37) % clusters).ToArray();
        var sizes = new int[clusters];
        var scores = new float[2 * clusters];
        for (var rank = 0; rank < clusters; rank++)
        {
            var c = byRank[rank];
            sizes[c] = rank % 4 == 0 ? 0 : rank < 60 ? 1 : 10;
            scores[c] = 100 - rank;
            scores[clusters + c] = rank;
        }
        var routing = new Routing(maxUsers: 2, clusters);

        routing.Build(scores, clusters, userCount: 2, sizes, candidateTarget: target);

        // As many clusters as hold the target on average (ceil(70 * 60 / 195) = 22), then more in score order
        // while the user is short.
        var nonEmpty = sizes.Count(size => size > 0);
        var probes = (target * nonEmpty + sizes.Sum() - 1) / sizes.Sum();
        for (var user = 0; user < 2; user++)
        {
            var byScore = Enumerable.Range(0, clusters).Where(c => sizes[c] > 0)
                .OrderByDescending(c => scores[user * clusters + c]).ToList();
            var taken = byScore.Take(probes).ToList();
            var items = taken.Sum(c => sizes[c]);
            foreach (var c in byScore.Skip(probes))
            {
                if (items >= target) break;
                taken.Add(c);
                items += sizes[c];
            }
            Assert.That(routing.ClustersOf(user).ToArray().Order(), Is.EqualTo(taken.Order()), $"user {user}");
        }
        for (var c = 0; c < clusters; c++)
        {
            var users = Enumerable.Range(0, 2).Where(u => routing.ClustersOf(u).ToArray().Contains(c)).ToArray();
            Assert.That(routing.UsersOf(c).ToArray(), Is.EqualTo(users), $"cluster {c}");
        }
    }
}
