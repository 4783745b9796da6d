namespace BatchJobs.Generation.Events;

/// <summary>
/// One row of a listening-event file before formatting. Semantic faults are already applied to the values
/// (an unknown track index, a shifted timestamp, a negative duration); textual faults, which only CSV can
/// express, are applied by the CSV formatter from <see cref="Fault"/> and <see cref="Variant"/>.
/// </summary>
internal struct EventRow
{
    /// <summary>User index; -1 writes an empty user id.</summary>
    public int User;

    /// <summary>Track index; -1 writes an empty track id, an index past the catalogue an unknown one.</summary>
    public int Track;

    /// <summary>Play start, milliseconds since the Unix epoch (UTC).</summary>
    public long TsMs;

    /// <summary>Milliseconds of the track played.</summary>
    public long MsPlayed;

    /// <summary>Context index into <see cref="EventVocabulary.Contexts"/>.</summary>
    public byte Context;

    /// <summary>Platform index (known, unknown, or <see cref="EventVocabulary.NoPlatform"/>).</summary>
    public byte Platform;

    /// <summary>The malformation of this row, or null for a good row.</summary>
    public BadRowKind? Fault;

    /// <summary>Random bits that pick the variant of a fault, so formatting stays deterministic.</summary>
    public uint Variant;
}
