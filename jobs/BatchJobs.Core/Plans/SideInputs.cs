using System.Collections.Concurrent;
using Apache.Arrow;

namespace BatchJobs.Core.Plans;

/// <summary>
/// The side inputs of a kernel stage as one worker process sees them: each relation read whole, once, and whatever a
/// kernel builds from it (a factor matrix, an index) built once and shared by every group and thread of the process.
/// </summary>
public sealed class SideInputs(IReadOnlyDictionary<string, RecordBatch> relations)
{
    private readonly ConcurrentDictionary<(string, Type), Lazy<object>> built = new();

    /// <summary>The rows of a side input.</summary>
    public RecordBatch Rows(string relation) => relations.TryGetValue(relation, out var rows) ? rows
        : throw new ArgumentException($"'{relation}' is not a side input of this stage; declare it in the stage's side inputs", nameof(relation));

    /// <summary>
    /// What <paramref name="build"/> makes of a side input, built on first use and then shared; one value per
    /// relation and type.
    /// </summary>
    public T Get<T>(string relation, Func<RecordBatch, T> build) where T : class =>
        (T)built.GetOrAdd((relation, typeof(T)), _ => new Lazy<object>(() => build(Rows(relation)))).Value;
}
