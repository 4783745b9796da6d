namespace BatchJobs.Core.Tests.Support;

/// <summary>The checkout the tests run from: the nearest folder above the test binaries that holds BatchJobs.sln.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "BatchJobs.sln"))) return folder.FullName;
        throw new DirectoryNotFoundException($"no folder above {TestContext.CurrentContext.TestDirectory} holds BatchJobs.sln");
    }

    public static string GoldenDatasets => Path.Combine(Find(), "golden-datasets");
}
