using BatchJobs.Scoring.TopK;

namespace BatchJobs.Scoring.Tests.TopK;

public class RoutingTests
{
    [Test]
    public void Probes_the_best_clusters_leads_with_the_very_best_and_inverts_them()
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

        var items = sizes.Sum();
        for (var user = 0; user < 2; user++)
        {
            var byScore = Enumerable.Range(0, clusters).OrderByDescending(c => scores[user * clusters + c]).ToList();
            var taken = new List<int>();
            foreach (var c in byScore)
            {
                if (taken.Count >= probes && taken.Sum(t => sizes[t]) >= keep[user]) break;
                taken.Add(c);
            }
            var lead = Math.Min((Routing.LeadMultiple * keep[user] * clusters + items - 1) / items, probes);
            var probed = routing.ClustersOf(user).ToArray();
            Assert.That(probed.Order(), Is.EqualTo(taken.Order()), $"user {user} probes");
            Assert.That(routing.LeadCountOf(user), Is.EqualTo(lead), $"user {user} lead count");
            Assert.That(probed.Take(lead).Order(), Is.EqualTo(taken.Take(lead).Order()), $"user {user} lead clusters");
        }
        Assert.That(routing.ClustersOf(1).Length, Is.GreaterThan(probes), "the fixture must make user 1 go past its probes");

        for (var phase = 0; phase < 2; phase++)
        {
            for (var c = 0; c < clusters; c++)
            {
                var users = Enumerable.Range(0, 2).Where(u =>
                {
                    var probed = routing.ClustersOf(u).ToArray();
                    var lead = routing.LeadCountOf(u);
                    return (phase == 0 ? probed.Take(lead) : probed.Skip(lead)).Contains(c);
                }).ToArray();
                Assert.That(routing.UsersOf(phase, c).ToArray(), Is.EqualTo(users), $"phase {phase} cluster {c}");
            }
        }
    }
}
