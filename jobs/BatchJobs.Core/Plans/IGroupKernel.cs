using Apache.Arrow;
using BatchJobs.Core.Contracts;

namespace BatchJobs.Core.Plans;

/// <summary>
/// A pure function over the rows of one group, Arrow in and Arrow out: no I/O, no state between groups but what
/// <see cref="SideInputs"/> caches, so any engine may call it on any worker, in any order and on many threads at once.
/// </summary>
public interface IGroupKernel
{
    /// <summary>The columns of every batch <see cref="Apply"/> returns, in order.</summary>
    IReadOnlyList<ColumnSpec> OutputSchema { get; }

    /// <summary>Transforms one group's rows (sorted as the stage says) into output rows.</summary>
    RecordBatch Apply(RecordBatch rows, SideInputs sideInputs);
}
