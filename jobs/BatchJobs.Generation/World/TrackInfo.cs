namespace BatchJobs.Generation.World;

/// <summary>
/// What the event simulation needs to know about a track, packed so that one cache line fetch serves a play.
/// </summary>
/// <param name="Artist">Artist index.</param>
/// <param name="Album">Album index.</param>
/// <param name="DurationMs">Duration in milliseconds.</param>
/// <param name="ReleaseDay">Release day relative to the first generated day (negative: released before it).</param>
/// <param name="Weight">Relative popularity (Zipf weight of its popularity rank).</param>
/// <param name="Genre">Genre index into <see cref="Genres.Names"/>.</param>
internal readonly record struct TrackInfo(int Artist, int Album, int DurationMs, int ReleaseDay, float Weight, byte Genre);
