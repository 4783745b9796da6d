namespace BatchJobs.Scoring.TopK;

/// <summary>
/// The best items of every user (row): item row indices and their scores, best first — score descending,
/// then item index ascending among equal scores.
/// </summary>
public sealed class TopKResult
{
    private readonly int[] _items;
    private readonly float[] _scores;
    private readonly int[] _counts;

    internal TopKResult(int rowCount, int k)
    {
        if ((long)rowCount * k > Array.MaxLength)
        {
            throw new ArgumentException(
                $"{rowCount} rows x k = {k} results do not fit in one array; score the rows in smaller batches.");
        }
        RowCount = rowCount;
        K = k;
        // Only the first count entries of a row are ever read, and the scorer writes them: zeroing hundreds of
        // megabytes first would be a serial pass before the parallel scoring. Large arrays stay in place, so
        // their first writes can take huge pages.
        _items = GC.AllocateUninitializedArray<int>(rowCount * k);
        _scores = GC.AllocateUninitializedArray<float>(rowCount * k);
        HugePages.Advise(_items);
        HugePages.Advise(_scores);
        _counts = new int[rowCount];
    }

    /// <summary>The number of users (or, for item-to-item results, items) scored.</summary>
    public int RowCount { get; }

    /// <summary>The most items returned per row: the k asked for, or the catalogue size if smaller.</summary>
    public int K { get; }

    /// <summary>How many items <paramref name="row"/> has: k, or fewer when fewer items were eligible.</summary>
    public int CountOf(int row) => _counts[row];

    /// <summary>The item indices of <paramref name="row"/>, best first.</summary>
    public ReadOnlySpan<int> ItemsOf(int row) => _items.AsSpan(row * K, _counts[row]);

    /// <summary>The scores of <paramref name="row"/>, matching <see cref="ItemsOf"/>.</summary>
    public ReadOnlySpan<float> ScoresOf(int row) => _scores.AsSpan(row * K, _counts[row]);

    /// <summary>
    /// Moves the best candidates of a chunk's <paramref name="userCount"/> users into rows
    /// <paramref name="firstRow"/> onwards.
    /// </summary>
    internal void Store(int firstRow, CandidateLists lists, int userCount)
    {
        for (var user = 0; user < userCount; user++)
        {
            var row = firstRow + user;
            _counts[row] = lists.Drain(user, _items.AsSpan(row * K, K), _scores.AsSpan(row * K, K));
        }
    }
}
