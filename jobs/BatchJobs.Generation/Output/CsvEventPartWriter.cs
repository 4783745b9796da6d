using BatchJobs.Generation.Events;
using BatchJobs.Generation.World;

namespace BatchJobs.Generation.Output;

/// <summary>Writes one CSV part file through a large byte buffer; see <see cref="CsvRowFormatter"/> for the format.</summary>
internal sealed class CsvEventPartWriter : IEventPartWriter
{
    private const int BufferBytes = 1 << 20;

    private readonly AtomicFile _file;
    private readonly CsvRowFormatter _formatter;
    private readonly byte[] _buffer = new byte[BufferBytes];
    private int _used;

    /// <summary>Opens the part's temporary file and writes the header.</summary>
    public CsvEventPartWriter(string path, EntityIds ids)
    {
        _file = new AtomicFile(path);
        _formatter = new CsvRowFormatter(ids);
        byte[] header = CsvRowFormatter.Header;
        header.CopyTo(_buffer, 0);
        _used = header.Length;
    }

    /// <inheritdoc />
    public async ValueTask WriteAsync(ReadOnlyMemory<EventRow> rows, CancellationToken cancellationToken)
    {
        int next = 0;
        while (next < rows.Length)
        {
            next = FormatUntilFull(rows.Span, next);
            if (next < rows.Length)
            {
                await FlushAsync(cancellationToken);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        await _file.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _file.DisposeAsync();

    /// <summary>Formats rows from <paramref name="start"/> while a whole row still fits; returns the next row.</summary>
    private int FormatUntilFull(ReadOnlySpan<EventRow> rows, int start)
    {
        int i = start;
        Span<byte> buffer = _buffer;
        while (i < rows.Length && _used + CsvRowFormatter.MaxRowBytes <= buffer.Length)
        {
            _used += _formatter.Format(rows[i], buffer[_used..]);
            i++;
        }

        return i;
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await _file.Stream.WriteAsync(_buffer.AsMemory(0, _used), cancellationToken);
        _used = 0;
    }
}
