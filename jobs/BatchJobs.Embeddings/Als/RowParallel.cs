using System.Runtime.ExceptionServices;
using BatchJobs.Embeddings.Sparse;

namespace BatchJobs.Embeddings.Als;

/// <summary>
/// Runs a body over fixed chunks of rows on a set of workers that claim chunks dynamically, so skewed rows
/// (a popular item, a heavy listener) do not leave other cores idle.
/// </summary>
/// <remarks>
/// Chunk boundaries depend only on the data and constants, never on the worker count, so a per-chunk result
/// combined in chunk order is deterministic. Each worker index runs on one thread at a time, which makes
/// per-worker scratch safe. The first exception from a body is rethrown as is.
/// </remarks>
internal static class RowParallel
{
    /// <summary>Calls <paramref name="body"/>(worker, start, end) once per chunk
    /// <c>[c * chunkSize, min((c + 1) * chunkSize, count))</c>.</summary>
    public static void For(int count, int chunkSize, int workers, Action<int, int, int> body)
    {
        if (count <= 0) return;
        var chunks = (count + chunkSize - 1) / chunkSize;
        Run(chunks, workers, (worker, chunk) =>
        {
            var start = chunk * chunkSize;
            body(worker, start, Math.Min(start + chunkSize, count));
        });
    }

    /// <summary>Calls <paramref name="body"/>(worker, chunk, start, end) once per chunk
    /// <c>[boundaries[c], boundaries[c + 1])</c>.</summary>
    public static void For(int[] boundaries, int workers, Action<int, int, int, int> body) =>
        Run(boundaries.Length - 1, workers, (worker, chunk) => body(worker, chunk, boundaries[chunk], boundaries[chunk + 1]));

    /// <summary>
    /// Chunk boundaries over the rows of <paramref name="matrix"/> that give every chunk about the same work:
    /// a chunk closes once its rows hold <paramref name="targetCost"/> of cost, counting each stored entry as 1
    /// and each row as <paramref name="rowCost"/> (its fixed per-row work). A heavy row is a chunk of its own.
    /// </summary>
    public static int[] BalancedBoundaries(CsrMatrix matrix, int rowCost, int targetCost)
    {
        var boundaries = new List<int> { 0 };
        long cost = 0;
        for (var row = 0; row < matrix.Rows; row++)
        {
            cost += matrix.RowLength(row) + rowCost;
            if (cost < targetCost) continue;
            boundaries.Add(row + 1);
            cost = 0;
        }
        if (boundaries[^1] != matrix.Rows) boundaries.Add(matrix.Rows);
        return boundaries.ToArray();
    }

    private static void Run(int chunks, int workers, Action<int, int> body)
    {
        if (chunks <= 0) return;
        workers = Math.Clamp(workers, 1, chunks);
        if (workers == 1)
        {
            for (var chunk = 0; chunk < chunks; chunk++) body(0, chunk);
            return;
        }

        var nextChunk = -1;
        try
        {
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
            {
                int chunk;
                while ((chunk = Interlocked.Increment(ref nextChunk)) < chunks) body(worker, chunk);
            });
        }
        catch (AggregateException error) when (error.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(error.InnerExceptions[0]).Throw();
        }
    }
}
