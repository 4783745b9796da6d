using BatchJobs.Scoring.TopK;

namespace BatchJobs.Scoring.Tests.TopK;

public unsafe class TileKernelTests
{
    // Factor counts around the vector widths and item counts that leave the last tile partly padding.
    [TestCase(1, 1)]
    [TestCase(3, 31)]
    [TestCase(16, 32)]
    [TestCase(17, 33)]
    [TestCase(64, 100)]
    [TestCase(70, 257)]
    public void Both_vector_widths_give_the_scalar_scores_bit_for_bit(int factors, int itemCount)
    {
        var users = TestFactors.Gaussian(TileKernel.Rows, factors, seed: factors);
        var items = TestFactors.Gaussian(itemCount, factors, seed: itemCount);
        var panels = ItemPanels.InRowOrder(items);

        var narrow = Scores(panels, users, wide: false);
        var wide = Scores(panels, users, wide: true);

        for (var row = 0; row < TileKernel.Rows; row++)
        {
            for (var item = 0; item < itemCount; item++)
            {
                var expected = NaiveTopK.Dot(users.Row(row), items.Row(item));
                Assert.That(narrow[row * panels.ItemIds.Length + item], Is.EqualTo(expected), $"256-bit row {row} item {item}");
                Assert.That(wide[row * panels.ItemIds.Length + item], Is.EqualTo(expected), $"512-bit row {row} item {item}");
            }
        }
    }

    [TestCase(1, 1)]
    [TestCase(17, 33)]
    [TestCase(64, 100)]
    public void Rows_given_by_pointer_score_as_packed_rows_do(int factors, int itemCount)
    {
        // Five users in scattered rows, the other three kernel rows empty (a row of zeros).
        var users = TestFactors.Gaussian(20, factors, seed: factors + 7);
        var items = TestFactors.Gaussian(itemCount, factors, seed: itemCount + 7);
        var panels = ItemPanels.InRowOrder(items);
        int[] chosen = [13, 2, 19, 7, 0, -1, -1, -1];

        var wide = new float[TileKernel.Rows * panels.ItemIds.Length];
        var narrow = new float[TileKernel.Rows * panels.ItemIds.Length];
        fixed (float* values = users.Values.Span)
        fixed (float* zeros = new float[factors])
        fixed (float* scratch = new float[TileKernel.Rows * factors])
        fixed (float* wideScores = wide)
        fixed (float* narrowScores = narrow)
        {
            var rows = stackalloc float*[TileKernel.Rows];
            for (var row = 0; row < TileKernel.Rows; row++) rows[row] = chosen[row] < 0 ? zeros : values + chosen[row] * factors;
            var sink = new ScoreMatrixSink { Destination = wideScores, RowStride = panels.ItemIds.Length };
            TileKernel.Score512Rows(rows, panels.Tiles, panels.TileCount, factors, ref sink);
            // The path without AVX-512: pack, then the 256-bit kernel.
            TileKernel.PackRows(rows, factors, scratch);
            sink = new ScoreMatrixSink { Destination = narrowScores, RowStride = panels.ItemIds.Length };
            TileKernel.Score256(scratch, panels.Tiles, panels.TileCount, factors, ref sink);
        }

        for (var row = 0; row < TileKernel.Rows; row++)
        {
            for (var item = 0; item < itemCount; item++)
            {
                var expected = chosen[row] < 0 ? 0f : NaiveTopK.Dot(users.Row(chosen[row]), items.Row(item));
                Assert.That(wide[row * panels.ItemIds.Length + item], Is.EqualTo(expected), $"512-bit row {row} item {item}");
                Assert.That(narrow[row * panels.ItemIds.Length + item], Is.EqualTo(expected), $"packed row {row} item {item}");
            }
        }
    }

    // The last tile holds 1 or 16 items: the half that is scored must be exact, the padding half zeros.
    [TestCase(7, 33)]
    [TestCase(64, 48)]
    [TestCase(16, 16)]
    public void A_half_last_tile_scores_its_items_and_gives_zeros_for_the_rest(int factors, int itemCount)
    {
        var users = TestFactors.Gaussian(TileKernel.Rows, factors, seed: factors + 3);
        var items = TestFactors.Gaussian(itemCount, factors, seed: itemCount + 3);
        var panels = ItemPanels.InRowOrder(items);
        var stride = panels.ItemIds.Length;
        var scores = new float[TileKernel.Rows * stride];
        scores.AsSpan().Fill(float.NaN);
        fixed (float* values = users.Values.Span)
        fixed (float* destination = scores)
        {
            var rows = stackalloc float*[TileKernel.Rows];
            for (var row = 0; row < TileKernel.Rows; row++) rows[row] = values + row * factors;
            var sink = new ScoreMatrixSink { Destination = destination, RowStride = stride };
            TileKernel.Score512Rows(rows, panels.Tiles, panels.TileCount, factors, ref sink, lastTileHalf: true);
        }

        for (var row = 0; row < TileKernel.Rows; row++)
        {
            for (var position = 0; position < stride; position++)
            {
                var expected = position < itemCount ? NaiveTopK.Dot(users.Row(row), items.Row(position)) : 0f;
                Assert.That(scores[row * stride + position], Is.EqualTo(expected), $"row {row} position {position}");
            }
        }
    }

    private static float[] Scores(ItemPanels panels, FactorMatrix users, bool wide)
    {
        var factors = users.Columns;
        var rows = stackalloc int[TileKernel.Rows];
        for (var row = 0; row < TileKernel.Rows; row++) rows[row] = row;
        var packed = new float[TileKernel.Rows * factors];
        var scores = new float[TileKernel.Rows * panels.ItemIds.Length];
        fixed (float* user = packed)
        fixed (float* destination = scores)
        {
            TileKernel.PackRows(users.Values.Span, factors, rows, user);
            var sink = new ScoreMatrixSink { Destination = destination, RowStride = panels.ItemIds.Length };
            if (wide) TileKernel.Score512(user, panels.Tiles, panels.TileCount, factors, ref sink);
            else TileKernel.Score256(user, panels.Tiles, panels.TileCount, factors, ref sink);
        }
        return scores;
    }
}
