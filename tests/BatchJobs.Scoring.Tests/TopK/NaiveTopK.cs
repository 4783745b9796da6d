using BatchJobs.Scoring.TopK;

namespace BatchJobs.Scoring.Tests.TopK;

/// <summary>
/// The obviously-correct reference: every score computed one at a time, fused multiply-adds in factor
/// order (as the kernel does, so scores match bit for bit), then a full sort.
/// </summary>
internal static class NaiveTopK
{
    public static float Dot(ReadOnlySpan<float> user, ReadOnlySpan<float> item)
    {
        var sum = 0f;
        for (var f = 0; f < user.Length; f++) sum = MathF.FusedMultiplyAdd(user[f], item[f], sum);
        return sum;
    }

    /// <summary>Per user: (item, score) best first, score descending then item ascending.</summary>
    public static (int Item, float Score)[][] Score(
        FactorMatrix users, FactorMatrix items, Func<int, int, bool> isExcluded, int k)
    {
        var result = new (int, float)[users.Rows][];
        for (var user = 0; user < users.Rows; user++)
        {
            var candidates = new List<(int Item, float Score)>();
            for (var item = 0; item < items.Rows; item++)
            {
                if (!isExcluded(user, item)) candidates.Add((item, Dot(users.Row(user), items.Row(item))));
            }
            candidates.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Item.CompareTo(b.Item));
            result[user] = candidates.Take(k).ToArray();
        }
        return result;
    }
}
