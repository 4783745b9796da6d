namespace BatchJobs.Jobs;

/// <summary>Reads the <c>.sql</c> files that are embedded beside their jobs.</summary>
public static class SqlResources
{
    /// <param name="relativePath">The path below the project, e.g. <c>Affinity/user_track_affinity.sql</c>.</param>
    public static string Load(string relativePath)
    {
        var name = relativePath.Replace('/', Path.DirectorySeparatorChar);
        using var stream = typeof(SqlResources).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"SQL resource '{relativePath}' is not embedded; is the file beside its job?");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Trim().TrimEnd(';');
    }
}
