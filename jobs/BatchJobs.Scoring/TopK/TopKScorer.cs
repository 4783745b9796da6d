namespace BatchJobs.Scoring.TopK;

/// <summary>
/// Top-k recommendation scoring: for every user, the k items with the highest dot product between the
/// user's and the item's factors, skipping each user's excluded items.
/// </summary>
/// <remarks>
/// Users are scored in blocks against blocks of items by a register-blocked SIMD kernel; a per-user running
/// top-k with a threshold test means most scores are never stored. Memory is O(items x factors) for packed
/// items plus the result, never users x items. Uses every core unless
/// <see cref="TopKOptions.MaxDegreeOfParallelism"/> says otherwise. The output is the same whatever the
/// thread count: ties are ordered by ascending item index. Factors must be finite.
/// </remarks>
public static class TopKScorer
{
    /// <summary>The best <see cref="TopKOptions.K"/> items of every user, best first.</summary>
    /// <param name="users">User factors, one row per user.</param>
    /// <param name="items">Item factors, one row per item, with as many columns as <paramref name="users"/>.</param>
    /// <param name="exclusions">Items never to return to each user (one list per user), or null for none.</param>
    /// <param name="options">k, the mode and the thread limit.</param>
    /// <exception cref="ArgumentException">Shapes disagree, a factor is not finite, an exclusion names an
    /// item outside the catalogue, or an option is out of range.</exception>
    public static TopKResult Score(FactorMatrix users, FactorMatrix items, ExclusionLists? exclusions, TopKOptions options)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Score(users, items, exclusions, options, packed: null);
    }

    /// <summary>The best <see cref="TopKOptions.K"/> items of every user against items packed beforehand, best first.</summary>
    /// <remarks>The same results as the overload over a <see cref="FactorMatrix"/>, without packing the items again.</remarks>
    public static TopKResult Score(FactorMatrix users, PackedItems items, ExclusionLists? exclusions, TopKOptions options)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Score(users, items.Items, exclusions, options, () => items.Panels);
    }

    private static TopKResult Score(FactorMatrix users, FactorMatrix items, ExclusionLists? exclusions, TopKOptions options,
        Func<ItemPanels>? packed)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(options);
        if (users.Columns != items.Columns)
        {
            throw new ArgumentException(
                $"users have {users.Columns} factors but items have {items.Columns}; both must come from the same model.",
                nameof(items));
        }
        if (exclusions is not null)
        {
            if (exclusions.UserCount != users.Rows)
            {
                throw new ArgumentException(
                    $"The exclusions cover {exclusions.UserCount} users but there are {users.Rows}; give one list per user row.",
                    nameof(exclusions));
            }
            exclusions.ValidateItems(items.Rows, nameof(exclusions));
        }
        var workers = Validate(options);
        users.ThrowIfNotFinite(nameof(users));
        // Packed items were checked when they were packed.
        if (packed is null) items.ThrowIfNotFinite(nameof(items));

        return Run(users, items, exclusions, excludeSelf: false, options, workers, packed);
    }

    /// <summary>Checks the options and returns the number of worker threads they allow.</summary>
    internal static int Validate(TopKOptions options)
    {
        if (options.K < 1)
        {
            throw new ArgumentException($"K is {options.K}; ask for at least 1 item per row.", nameof(options));
        }
        if (options.MaxDegreeOfParallelism is 0 or < -1)
        {
            throw new ArgumentException(
                $"MaxDegreeOfParallelism is {options.MaxDegreeOfParallelism}; use -1 for all cores or a positive thread count.",
                nameof(options));
        }
        if (options.Mode is not (TopKMode.Exact or TopKMode.Approximate))
        {
            throw new ArgumentException($"Mode {options.Mode} is not a TopKMode.", nameof(options));
        }
        if (options.Mode == TopKMode.Approximate) ApproximateScorer.Validate(options.Approximate);
        return options.MaxDegreeOfParallelism == -1 ? Environment.ProcessorCount : options.MaxDegreeOfParallelism;
    }

    /// <summary>Scores validated inputs in the mode the options ask for.</summary>
    internal static TopKResult Run(
        FactorMatrix users, FactorMatrix items, ExclusionLists? exclusions, bool excludeSelf, TopKOptions options, int workers,
        Func<ItemPanels>? packed = null)
    {
        var k = Math.Min(options.K, items.Rows);
        var result = new TopKResult(users.Rows, k);
        if (k == 0 || users.Rows == 0) return result;
        if (options.Mode == TopKMode.Approximate)
        {
            ApproximateScorer.Score(users, items, exclusions, excludeSelf, k, options.Approximate, workers, result);
        }
        else
        {
            ExactScorer.Score(users, packed?.Invoke() ?? ItemPanels.InRowOrder(items, workers), exclusions, excludeSelf, k, workers, result);
        }
        return result;
    }
}
