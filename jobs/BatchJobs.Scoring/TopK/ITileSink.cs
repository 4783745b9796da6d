using System.Runtime.Intrinsics;

namespace BatchJobs.Scoring.TopK;

/// <summary>Receives the scores of each tile from <see cref="TileKernel"/>, row by row.</summary>
/// <remarks>
/// <see cref="Row"/> is inlined into the kernel while the other rows' scores are still in registers, so it
/// must not call anything on its common path; work that needs calls belongs in <see cref="EndTile"/>.
/// </remarks>
internal interface ITileSink
{
    /// <summary>
    /// Takes the <see cref="TileKernel.Columns"/> scores of tile row <paramref name="row"/>: columns 0-15 in
    /// <paramref name="low"/>, 16-31 in <paramref name="high"/>; <paramref name="tile"/> counts tiles from the
    /// first one of the kernel call.
    /// </summary>
    void Row(int row, int tile, Vector512<float> low, Vector512<float> high);

    /// <summary>Called once all rows of <paramref name="tile"/> have been delivered.</summary>
    void EndTile(int tile);
}
