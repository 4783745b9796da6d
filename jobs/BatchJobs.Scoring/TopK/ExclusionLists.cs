namespace BatchJobs.Scoring.TopK;

/// <summary>
/// Items that must not be recommended to each user (typically the user's history), in compressed sparse
/// row form: the items of user <c>u</c> are <c>items[offsets[u]..offsets[u + 1]]</c>.
/// </summary>
/// <remarks>
/// The constructor copies the items and sorts each user's list, so the input may be in any order and may
/// repeat an item. Item ids are checked against the catalogue when a scorer uses the lists.
/// </remarks>
public sealed class ExclusionLists
{
    private readonly int[] _offsets;
    private readonly int[] _items;

    /// <summary>Copies and sorts the lists given in compressed sparse row form.</summary>
    /// <param name="offsets">One more entry than there are users: start of each user's list, then the end.</param>
    /// <param name="items">The excluded item ids of all users, user after user.</param>
    /// <exception cref="ArgumentException">The offsets are not a valid compressed sparse row index.</exception>
    public ExclusionLists(ReadOnlySpan<int> offsets, ReadOnlySpan<int> items)
    {
        if (offsets.Length == 0)
        {
            throw new ArgumentException(
                "The offsets need one entry per user plus a final end offset; an empty array has neither.", nameof(offsets));
        }
        if (offsets[0] != 0)
        {
            throw new ArgumentException($"offsets[0] is {offsets[0]}; the first user's list must start at 0.", nameof(offsets));
        }
        for (var user = 0; user < offsets.Length - 1; user++)
        {
            if (offsets[user + 1] < offsets[user])
            {
                throw new ArgumentException(
                    $"offsets[{user + 1}] = {offsets[user + 1]} is less than offsets[{user}] = {offsets[user]}; " +
                    "offsets must not decrease.",
                    nameof(offsets));
            }
        }
        if (offsets[^1] != items.Length)
        {
            throw new ArgumentException(
                $"The last offset is {offsets[^1]} but there are {items.Length} items; it must equal the number of items.",
                nameof(offsets));
        }

        _offsets = offsets.ToArray();
        _items = items.ToArray();
        for (var user = 0; user < UserCount; user++)
        {
            _items.AsSpan(_offsets[user], _offsets[user + 1] - _offsets[user]).Sort();
        }
    }

    /// <summary>The number of users the lists cover.</summary>
    public int UserCount => _offsets.Length - 1;

    /// <summary>The total number of excluded (user, item) pairs.</summary>
    public int Count => _items.Length;

    /// <summary>The excluded items of <paramref name="user"/>, in ascending order.</summary>
    public ReadOnlySpan<int> For(int user) => _items.AsSpan(_offsets[user], _offsets[user + 1] - _offsets[user]);

    /// <summary>Whether <paramref name="item"/> is excluded for <paramref name="user"/>.</summary>
    public bool Contains(int user, int item) => For(user).BinarySearch(item) >= 0;

    /// <summary>Throws unless every item id is a row of a catalogue of <paramref name="itemCount"/> items.</summary>
    internal void ValidateItems(int itemCount, string parameterName)
    {
        for (var user = 0; user < UserCount; user++)
        {
            var items = For(user);
            if (items.Length > 0 && (items[0] < 0 || items[^1] >= itemCount))
            {
                var bad = items[0] < 0 ? items[0] : items[^1];
                throw new ArgumentException(
                    $"The exclusions of user {user} name item {bad}, but the items matrix has rows 0..{itemCount - 1}; " +
                    "exclusions must use item row indices.",
                    parameterName);
            }
        }
    }
}
