namespace BatchJobs.Jobs.DailyMix;

/// <summary>One track of one Daily Mix.</summary>
/// <param name="MixNumber">1 = the mix of the user's strongest cluster.</param>
/// <param name="MixName">Named after the mix's leading artists.</param>
/// <param name="Position">1-based within the mix.</param>
/// <param name="Track">Track embedding row.</param>
/// <param name="IsNew">A track the user has not played, from the mix's cluster (or, when it runs short, the clusters
/// nearest to it).</param>
/// <param name="Score">The user's affinity for a favourite; the model's score for a new track.</param>
/// <param name="Cluster">The taste cluster of the mix (the strongest cluster's mix may also hold favourites it borrowed
/// from the clusters nearest to it).</param>
public readonly record struct DailyMixRow(int MixNumber, string MixName, int Position, int Track, bool IsNew, float Score, int Cluster);
