namespace BatchJobs.Generation.Tests.Support;

/// <summary>Small worlds that generate in well under a second.</summary>
public static class TestWorlds
{
    public static readonly DateOnly EndDate = new(2026, 11, 2);

    public static WorldOptions Small(string root, long seed = 7, double badRows = 0, EventFileFormat format = EventFileFormat.Csv) => new()
    {
        Root = root,
        Users = 400,
        Tracks = 3_000,
        Artists = 200,
        Days = 4,
        EndDate = EndDate,
        Seed = seed,
        BadRowFraction = badRows,
        Format = format,
    };
}
