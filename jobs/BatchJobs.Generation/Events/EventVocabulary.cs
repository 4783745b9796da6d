using System.Text;
using BatchJobs.Generation.Sampling;

namespace BatchJobs.Generation.Events;

/// <summary>The categorical values of listening events: play contexts and client platforms.</summary>
internal static class EventVocabulary
{
    /// <summary>Context index of a user-made or editorial playlist.</summary>
    public const byte Playlist = 0;

    /// <summary>Context index of the user's liked songs / library.</summary>
    public const byte Collection = 1;

    /// <summary>Context index of playing an album.</summary>
    public const byte Album = 2;

    /// <summary>Context index of an artist page.</summary>
    public const byte Artist = 3;

    /// <summary>Context index of a radio station seeded by a track.</summary>
    public const byte Radio = 4;

    /// <summary>Context index of a play started from search.</summary>
    public const byte Search = 5;

    /// <summary>Platform value written as an empty field (CSV) or null (Parquet).</summary>
    public const byte NoPlatform = byte.MaxValue;

    /// <summary>Context names, indexed by the constants above.</summary>
    public static readonly string[] Contexts = ["playlist", "collection", "album", "artist", "radio", "search"];

    /// <summary>Known platform names.</summary>
    public static readonly string[] Platforms = ["ios", "android", "desktop", "web", "smart_speaker", "car"];

    /// <summary>
    /// Platform values that are not in the known list, indexed from <c>Platforms.Length</c> on; used only for
    /// malformed rows. None is a case or spacing variant of a known value, which an ingest might normalise.
    /// </summary>
    public static readonly string[] UnknownPlatforms = ["playstation", "tv", "fridge", "wearable", "xbox", "unknown"];

    /// <summary>Samples a session's context.</summary>
    public static readonly AliasTable ContextTable = AliasTable.Create([34, 20, 15, 10, 12, 9]);

    /// <summary>Samples a user's device.</summary>
    public static readonly AliasTable PlatformTable = AliasTable.Create([34, 36, 12, 8, 5, 5]);

    /// <summary>UTF-8 bytes of <see cref="Contexts"/>.</summary>
    public static readonly byte[][] ContextUtf8 = Contexts.Select(Encoding.UTF8.GetBytes).ToArray();

    /// <summary>UTF-8 bytes of <see cref="Platforms"/> followed by <see cref="UnknownPlatforms"/>.</summary>
    public static readonly byte[][] PlatformUtf8 = Platforms.Concat(UnknownPlatforms).Select(Encoding.UTF8.GetBytes).ToArray();

    /// <summary>Name of a platform value (known or unknown); null for <see cref="NoPlatform"/>.</summary>
    public static string? PlatformName(byte platform) => platform switch
    {
        NoPlatform => null,
        _ when platform < Platforms.Length => Platforms[platform],
        _ => UnknownPlatforms[platform - Platforms.Length],
    };
}
