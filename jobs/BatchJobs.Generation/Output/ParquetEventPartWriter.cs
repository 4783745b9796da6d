using BatchJobs.Generation.Events;
using BatchJobs.Generation.World;
using Parquet;
using Parquet.Schema;

namespace BatchJobs.Generation.Output;

/// <summary>
/// Writes one Parquet part file: columns buffered for a row group, then written with Parquet.Net (Snappy).
/// Empty ids and platforms of malformed rows are written as nulls.
/// </summary>
internal sealed class ParquetEventPartWriter : IEventPartWriter
{
    /// <summary>Rows per row group.</summary>
    public const int DefaultRowGroupRows = 1 << 18;

    private const int TrackIdCacheSize = 1 << 12;

    /// <summary><c>user_id</c>: nullable string.</summary>
    public static readonly DataField<string> UserId = new("user_id");

    /// <summary><c>track_id</c>: nullable string.</summary>
    public static readonly DataField<string> TrackId = new("track_id");

    /// <summary><c>ts</c>: timestamp, millisecond unit, adjusted to UTC.</summary>
    public static readonly DateTimeDataField Ts = new("ts", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis);

    /// <summary><c>ms_played</c>: int64.</summary>
    public static readonly DataField<long> MsPlayed = new("ms_played");

    /// <summary><c>context</c>: nullable string.</summary>
    public static readonly DataField<string> Context = new("context");

    /// <summary><c>platform</c>: nullable string.</summary>
    public static readonly DataField<string> Platform = new("platform");

    /// <summary>The event schema, columns in <see cref="RawLayout.EventColumns"/> order.</summary>
    public static readonly ParquetSchema Schema = new(UserId, TrackId, Ts, MsPlayed, Context, Platform);

    private readonly AtomicFile _file;
    private readonly ParquetWriter _writer;
    private readonly EntityIds _ids;
    private readonly string?[] _users;
    private readonly string?[] _tracks;
    private readonly DateTime[] _ts;
    private readonly long[] _msPlayed;
    private readonly string?[] _contexts;
    private readonly string?[] _platforms;

    // Rows of a user are mostly adjacent and plays concentrate on popular tracks, so these small caches save
    // most of the id strings without holding one per track.
    private readonly string?[] _trackIdCache = new string?[TrackIdCacheSize];
    private readonly int[] _trackIdCacheKey = new int[TrackIdCacheSize];
    private int _lastUser = -1;
    private string? _lastUserId;
    private int _used;
    private bool _writerClosed;

    private ParquetEventPartWriter(AtomicFile file, ParquetWriter writer, EntityIds ids, int rowGroupRows)
    {
        _file = file;
        _writer = writer;
        _ids = ids;
        _users = new string?[rowGroupRows];
        _tracks = new string?[rowGroupRows];
        _ts = new DateTime[rowGroupRows];
        _msPlayed = new long[rowGroupRows];
        _contexts = new string?[rowGroupRows];
        _platforms = new string?[rowGroupRows];
        Array.Fill(_trackIdCacheKey, -1);
    }

    /// <summary>Opens the part's temporary file and starts the Parquet stream.</summary>
    public static async ValueTask<ParquetEventPartWriter> CreateAsync(
        string path, EntityIds ids, CancellationToken cancellationToken, int rowGroupRows = DefaultRowGroupRows)
    {
        var file = new AtomicFile(path);
        try
        {
            var writer = await ParquetWriter.CreateAsync(Schema, file.Stream, cancellationToken: cancellationToken);
            return new ParquetEventPartWriter(file, writer, ids, rowGroupRows);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask WriteAsync(ReadOnlyMemory<EventRow> rows, CancellationToken cancellationToken)
    {
        int next = 0;
        while (next < rows.Length)
        {
            next = Buffer(rows.Span, next);
            if (_used == _users.Length)
            {
                await WriteRowGroupAsync(cancellationToken);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        if (_used > 0)
        {
            await WriteRowGroupAsync(cancellationToken);
        }

        // Disposing the writer writes the footer; only then is the file complete.
        _writerClosed = true;
        await _writer.DisposeAsync();
        await _file.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_writerClosed)
            {
                _writerClosed = true;
                await _writer.DisposeAsync();
            }
        }
        finally
        {
            await _file.DisposeAsync();
        }
    }

    private int Buffer(ReadOnlySpan<EventRow> rows, int start)
    {
        int i = start;
        while (i < rows.Length && _used < _users.Length)
        {
            ref readonly EventRow row = ref rows[i++];
            _users[_used] = UserIdOf(row.User);
            _tracks[_used] = TrackIdOf(row.Track);
            _ts[_used] = new DateTime(DateTime.UnixEpoch.Ticks + row.TsMs * TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
            _msPlayed[_used] = row.MsPlayed;
            _contexts[_used] = EventVocabulary.Contexts[row.Context];
            _platforms[_used] = EventVocabulary.PlatformName(row.Platform);
            _used++;
        }

        return i;
    }

    private async ValueTask WriteRowGroupAsync(CancellationToken cancellationToken)
    {
        using (ParquetRowGroupWriter group = _writer.CreateRowGroup())
        {
            await group.WriteAsync(UserId, new ArraySegment<string?>(_users, 0, _used));
            await group.WriteAsync(TrackId, new ArraySegment<string?>(_tracks, 0, _used));
            await group.WriteAsync<DateTime>(Ts, _ts.AsMemory(0, _used), cancellationToken: cancellationToken);
            await group.WriteAsync<long>(MsPlayed, _msPlayed.AsMemory(0, _used), cancellationToken: cancellationToken);
            await group.WriteAsync(Context, new ArraySegment<string?>(_contexts, 0, _used));
            await group.WriteAsync(Platform, new ArraySegment<string?>(_platforms, 0, _used));
            group.CompleteValidate();
        }

        _used = 0;
    }

    private string? UserIdOf(int user)
    {
        if (user < 0)
        {
            return null;
        }

        if (user != _lastUser)
        {
            _lastUser = user;
            _lastUserId = _ids.User(user);
        }

        return _lastUserId;
    }

    private string? TrackIdOf(int track)
    {
        if (track < 0)
        {
            return null;
        }

        int slot = track & (TrackIdCacheSize - 1);
        if (_trackIdCacheKey[slot] != track)
        {
            _trackIdCacheKey[slot] = track;
            _trackIdCache[slot] = _ids.Track(track);
        }

        return _trackIdCache[slot];
    }
}
