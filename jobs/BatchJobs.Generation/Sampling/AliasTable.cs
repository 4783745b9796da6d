namespace BatchJobs.Generation.Sampling;

/// <summary>
/// Walker/Vose alias table: O(1) sampling of items in proportion to fixed weights, with one random draw and
/// one memory access per sample (each slot holds both of its candidate items, so no second lookup is needed).
/// </summary>
internal sealed class AliasTable
{
    private readonly Slot[] _slots;

    private AliasTable(Slot[] slots) => _slots = slots;

    /// <summary>Number of slots (items with a weight, including zero weights).</summary>
    public int Count => _slots.Length;

    /// <summary>
    /// Builds a table over <paramref name="items"/> with the matching non-negative <paramref name="weights"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, a weight is negative or not finite, or all are zero.</exception>
    public static AliasTable Create(ReadOnlySpan<double> weights, ReadOnlySpan<int> items)
    {
        if (weights.Length != items.Length || weights.Length == 0)
        {
            throw new ArgumentException("An alias table needs one weight per item and at least one item.");
        }

        double total = 0;
        foreach (double w in weights)
        {
            if (!(w >= 0) || double.IsInfinity(w))
            {
                throw new ArgumentException($"Alias table weights must be finite and non-negative; got {w}.");
            }

            total += w;
        }

        if (total <= 0)
        {
            throw new ArgumentException("Alias table weights must not all be zero.");
        }

        int n = weights.Length;
        var scaled = new double[n];
        var small = new int[n];
        var large = new int[n];
        int smallCount = 0;
        int largeCount = 0;
        for (int i = 0; i < n; i++)
        {
            scaled[i] = weights[i] * n / total;
            if (scaled[i] < 1.0)
            {
                small[smallCount++] = i;
            }
            else
            {
                large[largeCount++] = i;
            }
        }

        var slots = new Slot[n];
        while (smallCount > 0 && largeCount > 0)
        {
            int s = small[--smallCount];
            int l = large[largeCount - 1];
            slots[s] = new Slot((float)scaled[s], items[s], items[l]);
            scaled[l] = scaled[l] + scaled[s] - 1.0;
            if (scaled[l] < 1.0)
            {
                largeCount--;
                small[smallCount++] = l;
            }
        }

        // Whatever is left has (up to rounding) probability exactly one of keeping its own item.
        while (largeCount > 0)
        {
            int l = large[--largeCount];
            slots[l] = new Slot(1.0f, items[l], items[l]);
        }

        while (smallCount > 0)
        {
            int s = small[--smallCount];
            slots[s] = new Slot(1.0f, items[s], items[s]);
        }

        return new AliasTable(slots);
    }

    /// <summary>Builds a table whose items are the indices 0..weights.Length-1.</summary>
    public static AliasTable Create(ReadOnlySpan<double> weights)
    {
        var items = new int[weights.Length];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = i;
        }

        return Create(weights, items);
    }

    /// <summary>Draws one item.</summary>
    public int Sample(ref Rng rng)
    {
        ulong r = rng.NextUInt64();
        int i = (int)(((r >> 32) * (ulong)_slots.Length) >> 32);
        float u = (r & 0xFFFFFF) * (1f / 16777216f);
        ref readonly Slot slot = ref _slots[i];
        return u < slot.Threshold ? slot.Item : slot.Alias;
    }

    private readonly record struct Slot(float Threshold, int Item, int Alias);
}
