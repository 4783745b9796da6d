using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;
using BatchJobs.Core.Engine;
using BatchJobs.Core.Jobs;
using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace BatchJobs.Jobs.Ingest;

/// <summary>
/// Validates a raw Parquet events file: DuckDB decodes it into Arrow record batches (one per DuckDB vector, 2,048 rows),
/// and the batches are validated on every core straight from their UTF-8 bytes, so no value becomes a string unless it
/// is a new id or part of a rejected row; the parts are put back in file order by their row numbers.
/// </summary>
/// <remarks>
/// <c>ts</c> may be stored as a timestamp (with or without time zone; one without is taken as UTC) or as ISO-8601 text;
/// <c>ms_played</c> as any integer type up to 32 bits unsigned or 64 bits signed; the ids, context and platform as text.
/// A null is rejected as an empty value would be.
/// </remarks>
internal static class ParquetEventFileReader
{
    private const string Query = """
        select user_id, track_id, ts, cast(ms_played as bigint) as ms_played, context, platform, file_row_number
        from read_parquet($1, file_row_number = true, hive_partitioning = false)
        """;

    private static readonly string[] IntegerTypes = ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"];

    public static async Task<ValidatedFile> ReadAsync(string path, string sourceName, ListeningEventValidator validator, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadValidatedAsync(path, sourceName, validator, cancellationToken);
        }
        catch (DuckDBException e) when (e.ErrorType == DuckDBErrorType.InvalidInput)
        {
            // A truncated or corrupt upload: DuckDB's first line says what it found (its next lines quote our SQL).
            throw new BadInputException($"{path}: is not a readable Parquet file ({e.Message.Split('\n')[0]}); export it again");
        }
    }

    private static async Task<ValidatedFile> ReadValidatedAsync(string path, string sourceName, ListeningEventValidator validator, CancellationToken cancellationToken)
    {
        // The process's shared database: a new single-threaded one per file (decoding on one core while the validators
        // used the other) measured 0.42-0.48 s per 778k-row day, the warm shared one with all cores 0.31-0.36 s.
        await using var connection = DuckDbSession.OpenConnection();
        await CheckColumnsAsync(connection, path, cancellationToken);

        await using var command = connection.CreateCommand();
        command.CommandText = Query;
        command.Parameters.Add(new DuckDBParameter(path));
        command.UseStreamingMode = true;
        var validators = new ConcurrentBag<ListeningEventValidator> { validator };
        var parts = new ConcurrentBag<Part>();
        await Parallel.ForEachAsync(command.ExecuteArrowBatchesAsync(cancellationToken),
            new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, (batch, _) =>
            {
                using (batch)
                {
                    if (batch.Length == 0) return ValueTask.CompletedTask;
                    if (!validators.TryTake(out var own)) own = validator.Clone();
                    parts.Add(Validate(batch, sourceName, own));
                    validators.Add(own);
                }
                return ValueTask.CompletedTask;
            });

        var result = new ValidatedFile(sourceName);
        long nextRow = 1;
        foreach (var part in parts.OrderBy(p => p.FirstRow))
        {
            // DuckDB hands each vector of a row group as a contiguous run of rows; order only holds if that stays true.
            if (part.FirstRow != nextRow)
                throw new InvalidOperationException($"{path}: DuckDB returned row {part.FirstRow} where row {nextRow} was expected");
            nextRow += part.Rows;
            result.Accepted.Add(part.Accepted);
            result.Rejected.AddRange(part.Rejected);
        }
        return result;
    }

    /// <summary>Fails on a file that lacks a column, or stores one in a type the rules cannot read, naming what is needed.</summary>
    private static async Task CheckColumnsAsync(DuckDBConnection connection, string path, CancellationToken cancellationToken)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var describe = connection.CreateCommand())
        {
            describe.CommandText = "select column_name, column_type from (describe select * from read_parquet($1, hive_partitioning = false))";
            describe.Parameters.Add(new DuckDBParameter(path));
            await using var reader = await describe.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) types[reader.GetString(0)] = reader.GetString(1);
        }
        foreach (var name in ListeningEventValidator.Header)
        {
            if (!types.TryGetValue(name, out var type))
                throw new BadInputException($"{path}: has no column '{name}'; raw events need {string.Join(", ", ListeningEventValidator.Header)}");
            var (readable, needed) = name switch
            {
                "ts" => (type == "VARCHAR" || type.StartsWith("TIMESTAMP", StringComparison.Ordinal), "a TIMESTAMP or ISO-8601 text"),
                "ms_played" => (IntegerTypes.Contains(type), "whole milliseconds (an integer type such as INT64)"),
                _ => (type == "VARCHAR", "text (a UTF-8 string)"),
            };
            if (!readable) throw new BadInputException($"{path}: column '{name}' is {type}; raw events store it as {needed}");
        }
    }

    /// <summary>Validates one record batch; its rows are numbered from 1 in file order.</summary>
    private static Part Validate(RecordBatch batch, string sourceName, ListeningEventValidator validator)
    {
        var users = (StringArray)batch.Column(0);
        var tracks = (StringArray)batch.Column(1);
        var timestamps = batch.Column(2) as TimestampArray;
        var timestampTexts = batch.Column(2) as StringArray;
        var played = (Int64Array)batch.Column(3);
        var contexts = (StringArray)batch.Column(4);
        var platforms = (StringArray)batch.Column(5);
        var rowNumbers = ((Int64Array)batch.Column(6)).Values;
        var unit = timestamps is null ? TimeUnit.Microsecond : ((TimestampType)timestamps.Data.DataType).Unit;
        var instants = timestamps is null ? default : timestamps.Values;
        var msPlayed = played.Values;
        var userIds = new Utf8Column(users);
        var trackIds = new Utf8Column(tracks);
        var contextTexts = new Utf8Column(contexts);
        var platformTexts = new Utf8Column(platforms);
        var accepted = new EventBatch(batch.Length);
        var rejected = new List<RejectedRow>();
        var firstRow = rowNumbers[0];
        for (var i = 0; i < batch.Length; i++)
        {
            if (rowNumbers[i] != firstRow + i)
                throw new InvalidOperationException($"{sourceName}: DuckDB returned row {rowNumbers[i] + 1} where row {firstRow + i + 1} was expected");
            DateTime playedAt;
            if (timestamps is not null)
            {
                if (timestamps.IsNull(i))
                {
                    Reject(i, "ts", ListeningEventValidator.EmptyReason);
                    continue;
                }
                if (!TryInstant(instants[i], unit, out playedAt))
                {
                    Reject(i, "ts", $"{instants[i]} {unit.ToString().ToLowerInvariant()}s after 1970-01-01 is not an instant between the years 1 and 9999");
                    continue;
                }
            }
            else if (!ListeningEventValidator.TryParseTimestamp(timestampTexts!.GetBytes(i), out playedAt, out var problem))
            {
                Reject(i, "ts", problem);
                continue;
            }
            if (played.IsNull(i))
            {
                Reject(i, "ms_played", ListeningEventValidator.EmptyReason);
                continue;
            }
            if (!validator.TryValidate(userIds[i], trackIds[i], playedAt, msPlayed[i], contextTexts[i], platformTexts[i], accepted, out var rejection))
                Reject(i, rejection.Field, rejection.Reason);
        }
        return new Part(firstRow + 1, batch.Length, accepted, rejected);

        void Reject(int i, string field, string reason)
        {
            var ts = timestamps is null ? Text(timestampTexts!, i)
                : timestamps.IsNull(i) ? ""
                : TryInstant(timestamps.Values[i], unit, out var instant) ? instant.ToString("O", CultureInfo.InvariantCulture)
                : timestamps.Values[i].ToString(CultureInfo.InvariantCulture);
            rejected.Add(new RejectedRow(sourceName, firstRow + i + 1, field, reason, string.Join(",", Text(users, i), Text(tracks, i), ts,
                played.GetValue(i)?.ToString(CultureInfo.InvariantCulture), Text(contexts, i), Text(platforms, i))));
        }
    }

    /// <summary>A stored timestamp as a UTC instant; DuckDB's range is far wider than <see cref="DateTime"/>'s.</summary>
    private static bool TryInstant(long value, TimeUnit unit, out DateTime utc)
    {
        var ticks = unit switch
        {
            TimeUnit.Second => (Int128)value * TimeSpan.TicksPerSecond,
            TimeUnit.Millisecond => (Int128)value * TimeSpan.TicksPerMillisecond,
            TimeUnit.Microsecond => (Int128)value * TimeSpan.TicksPerMicrosecond,
            _ => value / TimeSpan.NanosecondsPerTick,
        } + DateTime.UnixEpoch.Ticks;
        var valid = ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks;
        utc = valid ? new DateTime((long)ticks, DateTimeKind.Utc) : default;
        return valid;
    }

    private static string Text(StringArray array, int i) => Encoding.UTF8.GetString(array.GetBytes(i));

    /// <summary>The UTF-8 values of a text column, a null as empty, without the checks <see cref="BinaryArray.GetBytes(int)"/>
    /// repeats on every call (measured at about a tenth of the cost of validating a row).</summary>
    private readonly ref struct Utf8Column(StringArray array)
    {
        private readonly ReadOnlySpan<int> offsets = array.ValueOffsets;
        private readonly ReadOnlySpan<byte> values = array.Values;
        private readonly StringArray? withNulls = array.NullCount > 0 ? array : null;

        public ReadOnlySpan<byte> this[int i] => withNulls is not null && withNulls.IsNull(i) ? default : values[offsets[i]..offsets[i + 1]];
    }

    /// <summary>The outcome of one record batch: rows <c>FirstRow</c> to <c>FirstRow + Rows - 1</c> of the file.</summary>
    private sealed record Part(long FirstRow, int Rows, EventBatch Accepted, List<RejectedRow> Rejected);
}
