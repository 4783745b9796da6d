using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace BatchJobs.Scoring.TopK;

/// <summary>
/// The register-blocked micro-kernel: scores <see cref="Rows"/> users against <see cref="Columns"/> items at
/// a time with every accumulator in a register, and hands each row of the tile to a sink while it is still
/// in registers, so a sink that keeps few scores touches memory only for those.
/// </summary>
/// <remarks>
/// Users come packed factor-major (<c>users[f * Rows + row]</c>), items as <see cref="ItemPanels"/> tiles.
/// Each score is <c>fma(u[F-1], v[F-1], ... fma(u[0], v[0], 0))</c>, one fused multiply-add per factor in
/// factor order, in every code path: scores are bit for bit the same whatever the tile position, vector
/// width or thread, and equal to the scalar loop written the same way.
/// </remarks>
internal static unsafe class TileKernel
{
    /// <summary>Users per tile.</summary>
    public const int Rows = 8;

    /// <summary>Items per tile.</summary>
    public const int Columns = 32;

    /// <summary>
    /// Scores the packed users against <paramref name="tileCount"/> consecutive item tiles.
    /// </summary>
    /// <param name="users">The tile's users, factor-major, <c>factors * Rows</c> floats.</param>
    /// <param name="tiles">The first item tile, <c>factors * Columns</c> floats per tile, 64-byte aligned.</param>
    /// <param name="tileCount">How many tiles to score.</param>
    /// <param name="factors">Factors per user and item.</param>
    /// <param name="sink">Receives the scores.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Score<TSink>(float* users, float* tiles, int tileCount, int factors, ref TSink sink)
        where TSink : struct, ITileSink
    {
        if (Vector512.IsHardwareAccelerated) Score512(users, tiles, tileCount, factors, ref sink);
        else Score256(users, tiles, tileCount, factors, ref sink);
    }

    /// <summary>
    /// Scores <see cref="Rows"/> users given as pointers to their factor rows against <paramref name="tileCount"/>
    /// consecutive item tiles: the same scores as packing the rows and calling <see cref="Score{TSink}"/>.
    /// </summary>
    /// <param name="rows">One pointer per tile row to <paramref name="factors"/> floats (a row of zeros for no user).</param>
    /// <param name="scratch">Room for <c>factors * Rows</c> floats, used only without AVX-512.</param>
    /// <param name="tiles">The first item tile, <c>factors * Columns</c> floats per tile, 64-byte aligned.</param>
    /// <param name="tileCount">How many tiles to score.</param>
    /// <param name="factors">Factors per user and item.</param>
    /// <param name="sink">Receives the scores.</param>
    /// <param name="lastTileHalf">
    /// Whether the last tile holds items in its first half only (the rest padding): that tile's second half is
    /// then not scored and reaches the sink as zeros.
    /// </param>
    /// <remarks>
    /// For callers that group users differently for every few tiles (the approximate mode's clusters), where
    /// packing the rows would cost about as much as scoring them.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ScoreRows<TSink>(
        float** rows, float* scratch, float* tiles, int tileCount, int factors, ref TSink sink, bool lastTileHalf = false)
        where TSink : struct, ITileSink
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Score512Rows(rows, tiles, tileCount, factors, ref sink, lastTileHalf);
            return;
        }
        PackRows(rows, factors, scratch);
        Score256(scratch, tiles, tileCount, factors, ref sink);
    }

    /// <summary>Copies the <see cref="Rows"/> rows that <paramref name="rows"/> points at into the kernel's factor-major layout.</summary>
    public static void PackRows(float** rows, int factors, float* destination)
    {
        for (var row = 0; row < Rows; row++)
        {
            var from = rows[row];
            for (var f = 0; f < factors; f++) destination[f * Rows + row] = from[f];
        }
    }

    /// <summary>
    /// Copies <see cref="Rows"/> rows of <paramref name="values"/> into the factor-major layout the kernel reads;
    /// a row index of -1 packs zeros.
    /// </summary>
    public static void PackRows(ReadOnlySpan<float> values, int factors, int* rows, float* destination)
    {
        fixed (float* source = values)
        {
            for (var row = 0; row < Rows; row++)
            {
                var target = destination + row;
                if (rows[row] < 0)
                {
                    for (var f = 0; f < factors; f++) target[f * Rows] = 0f;
                    continue;
                }
                var from = source + (long)rows[row] * factors;
                for (var f = 0; f < factors; f++) target[f * Rows] = from[f];
            }
        }
    }

    /// <summary>AVX-512: the whole 8 x 32 tile in 16 accumulators.</summary>
    // Fully optimised from the first call: this loop is all the arithmetic, and running it unoptimised until
    // tiering catches up costs seconds on large inputs.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Score512<TSink>(float* users, float* tiles, int tileCount, int factors, ref TSink sink)
        where TSink : struct, ITileSink
    {
        var stride = factors * Columns;
        for (var tile = 0; tile < tileCount; tile++)
        {
            var b = tiles + (long)tile * stride;
            var a = users;
            var s00 = Vector512<float>.Zero; var s01 = Vector512<float>.Zero;
            var s10 = Vector512<float>.Zero; var s11 = Vector512<float>.Zero;
            var s20 = Vector512<float>.Zero; var s21 = Vector512<float>.Zero;
            var s30 = Vector512<float>.Zero; var s31 = Vector512<float>.Zero;
            var s40 = Vector512<float>.Zero; var s41 = Vector512<float>.Zero;
            var s50 = Vector512<float>.Zero; var s51 = Vector512<float>.Zero;
            var s60 = Vector512<float>.Zero; var s61 = Vector512<float>.Zero;
            var s70 = Vector512<float>.Zero; var s71 = Vector512<float>.Zero;
            for (var f = 0; f < factors; f++)
            {
                var b0 = Vector512.LoadAligned(b);
                var b1 = Vector512.LoadAligned(b + 16);
                var u = Vector512.Create(a[0]); s00 = Vector512.FusedMultiplyAdd(u, b0, s00); s01 = Vector512.FusedMultiplyAdd(u, b1, s01);
                u = Vector512.Create(a[1]); s10 = Vector512.FusedMultiplyAdd(u, b0, s10); s11 = Vector512.FusedMultiplyAdd(u, b1, s11);
                u = Vector512.Create(a[2]); s20 = Vector512.FusedMultiplyAdd(u, b0, s20); s21 = Vector512.FusedMultiplyAdd(u, b1, s21);
                u = Vector512.Create(a[3]); s30 = Vector512.FusedMultiplyAdd(u, b0, s30); s31 = Vector512.FusedMultiplyAdd(u, b1, s31);
                u = Vector512.Create(a[4]); s40 = Vector512.FusedMultiplyAdd(u, b0, s40); s41 = Vector512.FusedMultiplyAdd(u, b1, s41);
                u = Vector512.Create(a[5]); s50 = Vector512.FusedMultiplyAdd(u, b0, s50); s51 = Vector512.FusedMultiplyAdd(u, b1, s51);
                u = Vector512.Create(a[6]); s60 = Vector512.FusedMultiplyAdd(u, b0, s60); s61 = Vector512.FusedMultiplyAdd(u, b1, s61);
                u = Vector512.Create(a[7]); s70 = Vector512.FusedMultiplyAdd(u, b0, s70); s71 = Vector512.FusedMultiplyAdd(u, b1, s71);
                a += Rows;
                b += Columns;
            }

            sink.Row(0, tile, s00, s01);
            sink.Row(1, tile, s10, s11);
            sink.Row(2, tile, s20, s21);
            sink.Row(3, tile, s30, s31);
            sink.Row(4, tile, s40, s41);
            sink.Row(5, tile, s50, s51);
            sink.Row(6, tile, s60, s61);
            sink.Row(7, tile, s70, s71);
            sink.EndTile(tile);
        }
    }

    /// <summary>AVX-512 over rows given by pointer: <see cref="Score512{TSink}"/> with each user's factor read from its own row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Score512Rows<TSink>(
        float** rows, float* tiles, int tileCount, int factors, ref TSink sink, bool lastTileHalf = false)
        where TSink : struct, ITileSink
    {
        var stride = factors * Columns;
        float* r0 = rows[0], r1 = rows[1], r2 = rows[2], r3 = rows[3], r4 = rows[4], r5 = rows[5], r6 = rows[6], r7 = rows[7];
        var fullTiles = lastTileHalf ? tileCount - 1 : tileCount;
        for (var tile = 0; tile < fullTiles; tile++)
        {
            var b = tiles + (long)tile * stride;
            var s00 = Vector512<float>.Zero; var s01 = Vector512<float>.Zero;
            var s10 = Vector512<float>.Zero; var s11 = Vector512<float>.Zero;
            var s20 = Vector512<float>.Zero; var s21 = Vector512<float>.Zero;
            var s30 = Vector512<float>.Zero; var s31 = Vector512<float>.Zero;
            var s40 = Vector512<float>.Zero; var s41 = Vector512<float>.Zero;
            var s50 = Vector512<float>.Zero; var s51 = Vector512<float>.Zero;
            var s60 = Vector512<float>.Zero; var s61 = Vector512<float>.Zero;
            var s70 = Vector512<float>.Zero; var s71 = Vector512<float>.Zero;
            for (nint f = 0; f < factors; f++)
            {
                var b0 = Vector512.LoadAligned(b);
                var b1 = Vector512.LoadAligned(b + 16);
                var u = Vector512.Create(r0[f]); s00 = Vector512.FusedMultiplyAdd(u, b0, s00); s01 = Vector512.FusedMultiplyAdd(u, b1, s01);
                u = Vector512.Create(r1[f]); s10 = Vector512.FusedMultiplyAdd(u, b0, s10); s11 = Vector512.FusedMultiplyAdd(u, b1, s11);
                u = Vector512.Create(r2[f]); s20 = Vector512.FusedMultiplyAdd(u, b0, s20); s21 = Vector512.FusedMultiplyAdd(u, b1, s21);
                u = Vector512.Create(r3[f]); s30 = Vector512.FusedMultiplyAdd(u, b0, s30); s31 = Vector512.FusedMultiplyAdd(u, b1, s31);
                u = Vector512.Create(r4[f]); s40 = Vector512.FusedMultiplyAdd(u, b0, s40); s41 = Vector512.FusedMultiplyAdd(u, b1, s41);
                u = Vector512.Create(r5[f]); s50 = Vector512.FusedMultiplyAdd(u, b0, s50); s51 = Vector512.FusedMultiplyAdd(u, b1, s51);
                u = Vector512.Create(r6[f]); s60 = Vector512.FusedMultiplyAdd(u, b0, s60); s61 = Vector512.FusedMultiplyAdd(u, b1, s61);
                u = Vector512.Create(r7[f]); s70 = Vector512.FusedMultiplyAdd(u, b0, s70); s71 = Vector512.FusedMultiplyAdd(u, b1, s71);
                b += Columns;
            }

            sink.Row(0, tile, s00, s01);
            sink.Row(1, tile, s10, s11);
            sink.Row(2, tile, s20, s21);
            sink.Row(3, tile, s30, s31);
            sink.Row(4, tile, s40, s41);
            sink.Row(5, tile, s50, s51);
            sink.Row(6, tile, s60, s61);
            sink.Row(7, tile, s70, s71);
            sink.EndTile(tile);
        }
        if (fullTiles == tileCount) return;

        // Half a tile: 8 accumulators, half the multiply-adds; a cluster's last tile is half padding or more
        // about as often as not.
        {
            var tile = fullTiles;
            var b = tiles + (long)tile * stride;
            var s0 = Vector512<float>.Zero; var s1 = Vector512<float>.Zero; var s2 = Vector512<float>.Zero; var s3 = Vector512<float>.Zero;
            var s4 = Vector512<float>.Zero; var s5 = Vector512<float>.Zero; var s6 = Vector512<float>.Zero; var s7 = Vector512<float>.Zero;
            for (nint f = 0; f < factors; f++)
            {
                var b0 = Vector512.LoadAligned(b);
                s0 = Vector512.FusedMultiplyAdd(Vector512.Create(r0[f]), b0, s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.Create(r1[f]), b0, s1);
                s2 = Vector512.FusedMultiplyAdd(Vector512.Create(r2[f]), b0, s2);
                s3 = Vector512.FusedMultiplyAdd(Vector512.Create(r3[f]), b0, s3);
                s4 = Vector512.FusedMultiplyAdd(Vector512.Create(r4[f]), b0, s4);
                s5 = Vector512.FusedMultiplyAdd(Vector512.Create(r5[f]), b0, s5);
                s6 = Vector512.FusedMultiplyAdd(Vector512.Create(r6[f]), b0, s6);
                s7 = Vector512.FusedMultiplyAdd(Vector512.Create(r7[f]), b0, s7);
                b += Columns;
            }

            var zeros = Vector512<float>.Zero;
            sink.Row(0, tile, s0, zeros);
            sink.Row(1, tile, s1, zeros);
            sink.Row(2, tile, s2, zeros);
            sink.Row(3, tile, s3, zeros);
            sink.Row(4, tile, s4, zeros);
            sink.Row(5, tile, s5, zeros);
            sink.Row(6, tile, s6, zeros);
            sink.Row(7, tile, s7, zeros);
            sink.EndTile(tile);
        }
    }

    /// <summary>
    /// AVX2 and narrower: 16 registers hold only a quarter tile, so the tile is scored in four passes of
    /// 4 users x 16 items into memory and delivered once complete.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Score256<TSink>(float* users, float* tiles, int tileCount, int factors, ref TSink sink)
        where TSink : struct, ITileSink
    {
        var scores = stackalloc float[Rows * Columns];
        var stride = factors * Columns;
        for (var tile = 0; tile < tileCount; tile++)
        {
            for (var rowHalf = 0; rowHalf < Rows; rowHalf += 4)
            {
                for (var columnHalf = 0; columnHalf < Columns; columnHalf += 16)
                {
                    var b = tiles + (long)tile * stride + columnHalf;
                    var a = users + rowHalf;
                    var s00 = Vector256<float>.Zero; var s01 = Vector256<float>.Zero;
                    var s10 = Vector256<float>.Zero; var s11 = Vector256<float>.Zero;
                    var s20 = Vector256<float>.Zero; var s21 = Vector256<float>.Zero;
                    var s30 = Vector256<float>.Zero; var s31 = Vector256<float>.Zero;
                    for (var f = 0; f < factors; f++)
                    {
                        var b0 = Vector256.LoadAligned(b);
                        var b1 = Vector256.LoadAligned(b + 8);
                        var u = Vector256.Create(a[0]); s00 = Vector256.FusedMultiplyAdd(u, b0, s00); s01 = Vector256.FusedMultiplyAdd(u, b1, s01);
                        u = Vector256.Create(a[1]); s10 = Vector256.FusedMultiplyAdd(u, b0, s10); s11 = Vector256.FusedMultiplyAdd(u, b1, s11);
                        u = Vector256.Create(a[2]); s20 = Vector256.FusedMultiplyAdd(u, b0, s20); s21 = Vector256.FusedMultiplyAdd(u, b1, s21);
                        u = Vector256.Create(a[3]); s30 = Vector256.FusedMultiplyAdd(u, b0, s30); s31 = Vector256.FusedMultiplyAdd(u, b1, s31);
                        a += Rows;
                        b += Columns;
                    }
                    var row = scores + rowHalf * Columns + columnHalf;
                    s00.Store(row); s01.Store(row + 8); row += Columns;
                    s10.Store(row); s11.Store(row + 8); row += Columns;
                    s20.Store(row); s21.Store(row + 8); row += Columns;
                    s30.Store(row); s31.Store(row + 8);
                }
            }

            for (var row = 0; row < Rows; row++)
            {
                sink.Row(row, tile, Vector512.Load(scores + row * Columns), Vector512.Load(scores + row * Columns + 16));
            }
            sink.EndTile(tile);
        }
    }
}
