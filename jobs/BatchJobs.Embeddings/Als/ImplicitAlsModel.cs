namespace BatchJobs.Embeddings.Als;

/// <summary>
/// Trained implicit-ALS factors: one vector per user and per item, with the options they were trained with,
/// and the exact per-user solve used to refresh one user against the trained item factors.
/// </summary>
/// <remarks>
/// The score of (u, i) is x_u . y_i. Reading factors and <see cref="RecalculateUser"/> are thread-safe as long
/// as nobody writes the factor matrices.
/// </remarks>
public sealed class ImplicitAlsModel
{
    private readonly GramMatrix _itemGram;

    /// <summary>Wraps trained (or loaded) factors; computes the item Gram matrix that
    /// <see cref="RecalculateUser"/> needs.</summary>
    /// <exception cref="ArgumentException">The factor counts disagree with each other or with the options.</exception>
    public ImplicitAlsModel(ImplicitAlsOptions options, FactorMatrix userFactors, FactorMatrix itemFactors)
        : this(options, userFactors, itemFactors, ComputeGram(options, userFactors, itemFactors))
    {
    }

    internal ImplicitAlsModel(ImplicitAlsOptions options, FactorMatrix userFactors, FactorMatrix itemFactors, GramMatrix itemGram)
    {
        Options = options;
        UserFactors = userFactors;
        ItemFactors = itemFactors;
        _itemGram = itemGram;
    }

    /// <summary>The options the factors were trained with (the recalculation uses alpha, scaling and lambda).</summary>
    public ImplicitAlsOptions Options { get; }

    /// <summary>User vectors, one row per user index.</summary>
    public FactorMatrix UserFactors { get; }

    /// <summary>Item vectors, one row per item index.</summary>
    public FactorMatrix ItemFactors { get; }

    /// <summary>Vector dimension k.</summary>
    public int Factors => Options.Factors;

    /// <summary>
    /// Computes the vector of a user with the given history against the trained item factors: the exact solution
    /// of the user's ALS normal equations (the training's user update, solved by Cholesky).
    /// </summary>
    /// <param name="items">Distinct item indices the user interacted with (any order; may be empty).</param>
    /// <param name="values">Interaction strength of each item, positive and finite.</param>
    /// <param name="destination">Receives the k values of the vector.</param>
    /// <exception cref="ArgumentException">Lengths differ, an item is out of range or repeated, or a value is
    /// not positive and finite.</exception>
    /// <remarks>Allocates O(k^2) scratch per call; safe to call from several threads at once.</remarks>
    public void RecalculateUser(ReadOnlySpan<int> items, ReadOnlySpan<float> values, Span<float> destination)
    {
        if (items.Length != values.Length)
            throw new ArgumentException($"items has {items.Length} entries but values has {values.Length}; give one value per item.", nameof(values));
        if (destination.Length != Factors)
            throw new ArgumentException($"destination has length {destination.Length}; it must hold the {Factors} factors.", nameof(destination));

        var sorted = items.ToArray();
        var weights = new float[values.Length];
        for (var n = 0; n < items.Length; n++)
        {
            if ((uint)items[n] >= (uint)ItemFactors.Rows)
                throw new ArgumentException($"History entry {n} has item {items[n]}, outside 0..{ItemFactors.Rows - 1}.", nameof(items));
            if (!(values[n] > 0f) || !float.IsFinite(values[n]))
                throw new ArgumentException($"History entry {n} (item {items[n]}) has value {values[n]}; values must be positive and finite.", nameof(values));
            weights[n] = Options.ConfidenceMinusOne(values[n]);
        }
        Array.Sort(sorted);
        for (var n = 1; n < sorted.Length; n++)
        {
            if (sorted[n] == sorted[n - 1])
                throw new ArgumentException($"Item {sorted[n]} appears more than once in the history; merge repeated items by adding their values.", nameof(items));
        }

        var stride = ItemFactors.Stride;
        var scratch = new WorkerScratch(stride, maxRowLength: 0, withSystem: true);
        var x = scratch.Vector(1);
        CholeskySolver.SolveRow(_itemGram.Values, ref ItemFactors.First, stride, Factors, items, weights,
            Options.RowRegularization(items.Length), x, scratch.System, scratch.Vector(0));
        x[..Factors].CopyTo(destination);
    }

    private static GramMatrix ComputeGram(ImplicitAlsOptions options, FactorMatrix userFactors, FactorMatrix itemFactors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(userFactors);
        ArgumentNullException.ThrowIfNull(itemFactors);
        options.Validate();
        if (userFactors.Factors != options.Factors || itemFactors.Factors != options.Factors)
            throw new ArgumentException($"User factors have {userFactors.Factors} columns and item factors {itemFactors.Factors}; both must equal Options.Factors = {options.Factors}.");
        var gram = new GramMatrix(options.Factors);
        gram.Compute(itemFactors, options.EffectiveParallelism);
        return gram;
    }
}
