namespace BatchJobs.Core.Contracts;

/// <summary>
/// The portable column types a Golden Dataset may declare: every one maps to a Parquet type that DuckDB, Spark and
/// pandas read as it is.
/// </summary>
public enum ColumnType
{
    String,
    Int32,
    Int64,
    Float,
    Double,
    Boolean,
    Date,
    Timestamp,
    FloatList,
}

/// <summary>Spelling of <see cref="ColumnType"/> in contracts and manifests.</summary>
public static class ColumnTypeNames
{
    private static readonly Dictionary<string, ColumnType> ByName = new(StringComparer.Ordinal)
    {
        ["string"] = ColumnType.String,
        ["int32"] = ColumnType.Int32,
        ["int64"] = ColumnType.Int64,
        ["float"] = ColumnType.Float,
        ["double"] = ColumnType.Double,
        ["boolean"] = ColumnType.Boolean,
        ["date"] = ColumnType.Date,
        ["timestamp"] = ColumnType.Timestamp,
        ["list<float>"] = ColumnType.FloatList,
    };

    /// <summary>All accepted spellings, for error messages.</summary>
    public static IEnumerable<string> Accepted => ByName.Keys;

    public static bool TryParse(string? name, out ColumnType type) => ByName.TryGetValue(name ?? "", out type);

    public static string ToName(this ColumnType type) => ByName.First(pair => pair.Value == type).Key;
}
