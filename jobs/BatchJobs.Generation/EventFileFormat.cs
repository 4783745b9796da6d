namespace BatchJobs.Generation;

/// <summary>File format of the generated raw listening-event partitions.</summary>
public enum EventFileFormat
{
    /// <summary>UTF-8 CSV with a header line, <c>\n</c> line ends, no byte-order mark.</summary>
    Csv,

    /// <summary>
    /// Parquet (Snappy): <c>user_id</c>, <c>track_id</c>, <c>context</c>, <c>platform</c> as nullable strings,
    /// <c>ts</c> as a timestamp (millisecond unit, adjusted to UTC), <c>ms_played</c> as int64.
    /// </summary>
    Parquet,
}
