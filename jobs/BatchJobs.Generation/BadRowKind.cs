namespace BatchJobs.Generation;

/// <summary>
/// The kinds of malformed rows the generator injects with <see cref="WorldOptions.BadRowFraction"/>. Every kind
/// is a row a strict ingest must reject. Kinds marked "CSV only" cannot be expressed in a typed Parquet file.
/// </summary>
public enum BadRowKind
{
    /// <summary>CSV only: a field missing or an extra field appended (5, 4 or 7 columns instead of 6).</summary>
    WrongColumnCount,

    /// <summary><c>user_id</c> is empty (CSV) or null (Parquet).</summary>
    EmptyUserId,

    /// <summary><c>track_id</c> is empty (CSV) or null (Parquet).</summary>
    EmptyTrackId,

    /// <summary><c>track_id</c> is well formed but names no track of the catalogue.</summary>
    UnknownTrackId,

    /// <summary>CSV only: <c>ts</c> is not an ISO-8601 timestamp (free text, impossible date or time, epoch millis, empty).</summary>
    UnparseableTimestamp,

    /// <summary><c>ts</c> is a valid UTC timestamp up to two days before or after the partition's day.</summary>
    TimestampOutsideDay,

    /// <summary>CSV only: <c>ts</c> has no <c>Z</c> and no offset, so its instant is ambiguous.</summary>
    TimestampWithoutOffset,

    /// <summary>CSV only: <c>ms_played</c> is not an int64 (decimal, exponent, unit suffix, text, overflow, empty).</summary>
    MsPlayedNotInteger,

    /// <summary><c>ms_played</c> is negative.</summary>
    NegativeMsPlayed,

    /// <summary><c>ms_played</c> exceeds the track's duration by more than ten minutes.</summary>
    MsPlayedTooLarge,

    /// <summary><c>platform</c> is empty (CSV) or null (Parquet).</summary>
    EmptyPlatform,

    /// <summary><c>platform</c> is a value outside the known list (for example <c>playstation</c>).</summary>
    UnknownPlatform,

    /// <summary>
    /// CSV only: an otherwise well-formed row whose <c>track_id</c> or <c>ms_played</c> holds a control character
    /// (NUL, BEL, ESC, DEL) or a byte that is not valid UTF-8.
    /// </summary>
    ControlCharacters,

    /// <summary>
    /// CSV only: a whole line of unquoted junk (printable symbols mixed with control characters and invalid UTF-8),
    /// never containing a double quote or a line break, so it cannot swallow the lines after it.
    /// </summary>
    Garbage,
}
