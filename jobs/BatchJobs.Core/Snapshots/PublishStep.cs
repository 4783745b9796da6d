namespace BatchJobs.Core.Snapshots;

/// <summary>The steps of the publish protocol, in order; tests inject a crash after each one.</summary>
public enum PublishStep
{
    /// <summary>All data files are written in the staging folder.</summary>
    FilesWritten,

    /// <summary>All checks have run and none blocks.</summary>
    Checked,

    /// <summary>The <c>_SUCCESS</c> manifest is in the staging folder.</summary>
    ManifestWritten,

    /// <summary>The staging folder has been renamed to its run folder.</summary>
    Renamed,

    /// <summary><c>_LATEST</c> names the new run.</summary>
    LatestReplaced,
}
