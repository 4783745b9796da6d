namespace BatchJobs.Scoring.TopK;

/// <summary>
/// Items checked and packed once for many scorings against the same catalogue (every group of a kernel stage): the
/// exact mode then reads the packed panels instead of packing the whole catalogue again on each call.
/// </summary>
/// <remarks>Read-only once made, so any number of threads may score against it at once.</remarks>
public sealed class PackedItems
{
    private readonly Lazy<ItemPanels> panels;

    private PackedItems(FactorMatrix items)
    {
        Items = items;
        panels = new Lazy<ItemPanels>(() => ItemPanels.InRowOrder(items, Environment.ProcessorCount));
    }

    /// <summary>The items, one row each.</summary>
    public FactorMatrix Items { get; }

    internal ItemPanels Panels => panels.Value;

    /// <summary>Checks that every factor is finite; the panels are packed on first exact use.</summary>
    /// <exception cref="ArgumentException">A factor is not finite.</exception>
    public static PackedItems Pack(FactorMatrix items)
    {
        ArgumentNullException.ThrowIfNull(items);
        items.ThrowIfNotFinite(nameof(items));
        return new PackedItems(items);
    }
}
