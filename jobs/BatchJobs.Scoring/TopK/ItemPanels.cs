using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BatchJobs.Scoring.TopK;

/// <summary>
/// Item factors packed once for <see cref="TileKernel"/>: tiles of <see cref="TileKernel.Columns"/> items,
/// each stored factor-major (all items' factor 0, then factor 1, ...) so that one aligned vector load gives
/// one factor of a whole row of the tile.
/// </summary>
/// <remarks>
/// Positions are the slots of the packed layout; <see cref="ItemIds"/> maps each to its item row, or -1 for a
/// zero padding slot. The storage is pinned, so kernels address it by pointer from any thread.
/// </remarks>
internal sealed unsafe class ItemPanels
{
    // Held only so that the pinned array behind Tiles lives as long as the panels.
    private readonly float[] _storage;

    private ItemPanels(float[] storage, float* tiles, int[] itemIds, int factors)
    {
        _storage = storage;
        Tiles = tiles;
        ItemIds = itemIds;
        ItemIdPointer = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(itemIds));
        Factors = factors;
    }

    /// <summary>The first tile, 64-byte aligned; tile <c>t</c> starts at <c>Tiles + t * TileStride</c>.</summary>
    public float* Tiles { get; }

    /// <summary>The item row of each position, -1 for padding; a multiple of the tile width long. Pinned.</summary>
    public int[] ItemIds { get; }

    /// <summary>The first element of <see cref="ItemIds"/>.</summary>
    public int* ItemIdPointer { get; }

    /// <summary>Factors per item.</summary>
    public int Factors { get; }

    /// <summary>Items in the catalogue packed (positions that are not padding).</summary>
    public int ItemCount { get; private init; }

    /// <summary>Packed tiles.</summary>
    public int TileCount => ItemIds.Length / TileKernel.Columns;

    /// <summary>Floats from one tile to the next.</summary>
    public int TileStride => Factors * TileKernel.Columns;

    /// <summary>Packs all items in row order, the last tile padded, on up to <paramref name="workers"/> threads.</summary>
    public static ItemPanels InRowOrder(FactorMatrix items, int workers = 1)
    {
        var ids = new int[RoundUpToTile(items.Rows)];
        for (var position = 0; position < ids.Length; position++) ids[position] = position < items.Rows ? position : -1;
        return Pack(items, ids, workers);
    }

    /// <summary>
    /// Packs items in the order of <paramref name="itemIds"/> (-1 for padding, length a tile multiple) on up to
    /// <paramref name="workers"/> threads.
    /// </summary>
    /// <remarks>
    /// The panels are fresh memory, so most of the time goes to the page faults of their first write (tens of
    /// milliseconds for a catalogue of 50,000 items), which threads take in parallel, on huge pages where Linux
    /// allows (<see cref="HugePages"/>).
    /// </remarks>
    public static ItemPanels Pack(FactorMatrix items, int[] itemIds, int workers = 1)
    {
        var factors = items.Columns;
        var length = (long)itemIds.Length * factors;
        const int alignmentFloats = 16;
        var storage = GC.AllocateUninitializedArray<float>(checked((int)length + alignmentFloats), pinned: true);
        HugePages.Advise(storage);
        var address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(storage));
        var tiles = (nint)((address + 63) & ~(nuint)63);

        using var pin = items.Values.Pin();
        var values = (nint)pin.Pointer;
        var tileCount = itemIds.Length / TileKernel.Columns;
        const int tilesPerBlock = 64;
        var blocks = (tileCount + tilesPerBlock - 1) / tilesPerBlock;
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers) }, block =>
        {
            var end = Math.Min(tileCount, (block + 1) * tilesPerBlock);
            for (var tile = block * tilesPerBlock; tile < end; tile++)
            {
                PackTile((float*)values, factors, itemIds.AsSpan(tile * TileKernel.Columns, TileKernel.Columns),
                    (float*)tiles + (long)tile * factors * TileKernel.Columns);
            }
        });
        var pinnedIds = GC.AllocateArray<int>(itemIds.Length, pinned: true);
        itemIds.CopyTo(pinnedIds, 0);
        return new ItemPanels(storage, (float*)tiles, pinnedIds, factors) { ItemCount = items.Rows };
    }

    private static void PackTile(float* values, int factors, ReadOnlySpan<int> ids, float* destination)
    {
        // Written in storage order, read from 32 rows at a time (8 KiB at 64 factors, in L1).
        for (var f = 0; f < factors; f++)
        {
            for (var lane = 0; lane < TileKernel.Columns; lane++)
            {
                var item = ids[lane];
                destination[lane] = item >= 0 ? values[(long)item * factors + f] : 0f;
            }
            destination += TileKernel.Columns;
        }
    }

    /// <summary>The smallest multiple of the tile width that is at least <paramref name="count"/>.</summary>
    public static int RoundUpToTile(int count) => (count + TileKernel.Columns - 1) / TileKernel.Columns * TileKernel.Columns;
}
