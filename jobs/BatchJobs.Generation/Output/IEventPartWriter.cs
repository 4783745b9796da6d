using BatchJobs.Generation.Events;

namespace BatchJobs.Generation.Output;

/// <summary>Writes the rows of one listening-event part file in one format.</summary>
internal interface IEventPartWriter : IAsyncDisposable
{
    /// <summary>Appends rows (good, duplicate or malformed) in order.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<EventRow> rows, CancellationToken cancellationToken);

    /// <summary>Completes the file and renames it into place. Disposing without committing discards it.</summary>
    ValueTask CommitAsync(CancellationToken cancellationToken);
}
