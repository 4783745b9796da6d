namespace BatchJobs.Embeddings.Evaluation;

/// <summary>Ranking metrics at k averaged over the evaluated users (those with at least one test item).</summary>
/// <param name="K">Cut-off.</param>
/// <param name="Users">Number of users evaluated.</param>
/// <param name="Precision">Mean precision@k.</param>
/// <param name="Recall">Mean recall@k.</param>
/// <param name="Map">Mean AP@k (MAP@k), each AP divided by min(k, |test items|).</param>
/// <param name="Ndcg">Mean NDCG@k with binary gains.</param>
/// <param name="Coverage">Catalogue coverage: distinct items in the evaluated users' lists over all items.</param>
public sealed record RankingReport(int K, int Users, double Precision, double Recall, double Map, double Ndcg, double Coverage);
