namespace BatchJobs.Generation.Sampling;

/// <summary>
/// Independent random streams derived from the one user-supplied seed. Each part of the world draws from its
/// own stream keyed by what it describes (an artist, a user, a user-day), so that output does not depend on the
/// order in which parts are generated or on how many run in parallel.
/// </summary>
internal enum SeedStream : ulong
{
    Artists = 1,
    Albums = 2,
    Tracks = 3,
    TrackTitles = 4,
    ArtistNames = 5,
    Users = 6,
    Favourites = 7,
    UserDay = 8,
    EventPart = 9,
    Garbage = 10,
}
