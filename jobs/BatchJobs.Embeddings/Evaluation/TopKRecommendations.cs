namespace BatchJobs.Embeddings.Evaluation;

/// <summary>
/// Up to k recommended item indices per user, best first; a list shorter than k is padded with -1.
/// </summary>
/// <remarks>The common output of every recommender here, and the input of <see cref="RankingEvaluation"/>.
/// Writers must fill distinct users when sharing it across threads.</remarks>
public sealed class TopKRecommendations
{
    private readonly int[] _items;

    /// <summary>Creates empty lists (all -1) for <paramref name="users"/> users of length <paramref name="k"/>.</summary>
    public TopKRecommendations(int users, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(users);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        Users = users;
        K = k;
        _items = new int[checked(users * k)];
        _items.AsSpan().Fill(-1);
    }

    /// <summary>Number of users (lists).</summary>
    public int Users { get; }

    /// <summary>Length of every list.</summary>
    public int K { get; }

    /// <summary>The list of <paramref name="user"/>: k item indices, best first, -1 after the last one.</summary>
    public Span<int> Row(int user)
    {
        if ((uint)user >= (uint)Users) throw new ArgumentOutOfRangeException(nameof(user), $"User {user} is outside 0..{Users - 1}.");
        return _items.AsSpan(user * K, K);
    }
}
