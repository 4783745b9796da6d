using BatchJobs.Core.Snapshots;

namespace BatchJobs.Core.Tests.Support;

/// <summary>A fresh snapshot store in a temp folder for each test, removed afterwards.</summary>
public abstract class StoreTest
{
    protected TempRoot temp = null!;
    protected SnapshotLayout layout = null!;
    protected SnapshotReader reader = null!;

    [SetUp]
    public void CreateStore()
    {
        temp = new TempRoot();
        layout = new SnapshotLayout(temp.Root);
        reader = new SnapshotReader(layout);
    }

    [TearDown]
    public void RemoveStore() => temp.Dispose();
}
