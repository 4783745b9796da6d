namespace BatchJobs.Generation.Tests.Support;

/// <summary>One data row of a raw event file as a reader sees it: its fields as text (null fields as empty).</summary>
public sealed record RawRow(string File, long Row, string[] Fields)
{
    /// <summary>The fields joined back, a key for spotting exact re-sends.</summary>
    public string Key => string.Join('\u001F', Fields);
}
