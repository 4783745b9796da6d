using System.Text;
using BatchJobs.Generation.Sampling;

namespace BatchJobs.Generation.World;

/// <summary>
/// Track titles and artist names, regenerated on demand from (seed, index) so the catalogue never holds them
/// in memory. Like real metadata they sometimes contain commas, double quotes, apostrophes, semicolons,
/// ampersands and non-ASCII letters — the cases that need proper CSV quoting. They never contain line breaks
/// or leading or trailing spaces.
/// </summary>
internal static class Names
{
    private static readonly string[] Adjectives =
    [
        "Golden", "Broken", "Electric", "Silent", "Midnight", "Neon", "Lonely", "Wild", "Blue", "Endless",
        "Falling", "Burning", "Sweet", "Cold", "Little", "Crazy", "Fading", "Hollow", "Velvet", "Paper",
        "Summer", "Northern", "Shallow", "Bright", "Secret", "Lost", "Heavy", "Sacred", "Restless", "Young",
    ];

    private static readonly string[] Nouns =
    [
        "Heart", "Night", "Fire", "River", "Dream", "City", "Light", "Rain", "Love", "Road",
        "Ocean", "Star", "Shadow", "Mirror", "Window", "Highway", "Garden", "Thunder", "Echo", "Morning",
        "Skyline", "Machine", "Ghost", "Kingdom", "Satellite", "Harbor", "Signal", "Season", "Wave", "Memory",
    ];

    private static readonly string[] Phrases =
    [
        "Don't Let Go", "I Can't Sleep", "Take Me Home", "We Were Young", "Say It Again", "Hold On",
        "Running Back to You", "Nobody Knows", "Stay", "What You Need", "All I Want", "Tell Me Why",
        "Here We Go", "Never Enough", "Come Undone", "Let It Be Loud", "You're the One", "It's Over Now",
    ];

    private static readonly string[] Foreign =
    [
        "Café", "Niño", "Déjà Vu", "Señorita", "Über Alles", "Naïve", "Ångström", "Tōkyō", "Corazón",
        "Ça Va", "Fröhlich", "Saudade", "Mañana", "Smörgåsbord", "Noël", "Zoë", "夜明け", "Ничего", "사랑",
    ];

    private static readonly string[] FirstNames =
    [
        "Ava", "Leo", "Mia", "Noah", "Lena", "Omar", "Sofia", "Kai", "Zara", "Luca",
        "Ines", "Jonas", "Maya", "Theo", "Aria", "Felix", "Nina", "Hugo", "Elif", "Ravi",
    ];

    private static readonly string[] LastNames =
    [
        "Rivers", "Stone", "Nakamura", "García", "Olsen", "Moreau", "Kowalski", "Silva", "Park", "Okafor",
        "Lindqvist", "Rossi", "Novak", "Haddad", "Murphy", "Brandt", "Costa", "Ivanova", "Chen", "Müller",
    ];

    /// <summary>The title of a track; equal (seed, track) always give the same title.</summary>
    public static string TrackTitle(long seed, int track)
    {
        var rng = Rng.Create(seed, SeedStream.TrackTitles, track);
        var title = new StringBuilder(48);
        double shape = rng.NextDouble();
        if (shape < 0.30)
        {
            title.Append(Pick(Adjectives, ref rng)).Append(' ').Append(Pick(Nouns, ref rng));
        }
        else if (shape < 0.50)
        {
            title.Append(Pick(Phrases, ref rng));
        }
        else if (shape < 0.62)
        {
            // Comma inside the title: the field must be quoted.
            title.Append(Pick(Nouns, ref rng)).Append(", ").Append(Pick(Adjectives, ref rng)).Append(' ').Append(Pick(Nouns, ref rng));
        }
        else if (shape < 0.70)
        {
            // Double quotes inside the title: quoted and the quotes doubled.
            title.Append('"').Append(Pick(Nouns, ref rng)).Append('"');
            if (rng.Chance(0.5))
            {
                title.Append(", Part ").Append(rng.NextInt(2, 5));
            }
        }
        else if (shape < 0.75)
        {
            title.Append(Pick(Foreign, ref rng));
        }
        else if (shape < 0.80)
        {
            title.Append(Pick(Nouns, ref rng)).Append("; ").Append(Pick(Nouns, ref rng));
        }
        else
        {
            title.Append(Pick(Nouns, ref rng));
        }

        double suffix = rng.NextDouble();
        if (suffix < 0.08)
        {
            title.Append(" (feat. ").Append(Pick(FirstNames, ref rng)).Append(' ').Append(Pick(LastNames, ref rng)).Append(')');
        }
        else if (suffix < 0.12)
        {
            title.Append(" - Remastered ").Append(rng.NextInt(1995, 2025));
        }
        else if (suffix < 0.15)
        {
            title.Append(" (Live at the \"").Append(Pick(Nouns, ref rng)).Append("\", ").Append(rng.NextInt(1970, 2025)).Append(')');
        }

        return title.ToString();
    }

    /// <summary>The name of an artist; equal (seed, artist) always give the same name.</summary>
    public static string ArtistName(long seed, int artist)
    {
        var rng = Rng.Create(seed, SeedStream.ArtistNames, artist);
        double shape = rng.NextDouble();
        return shape switch
        {
            < 0.30 => Pick(FirstNames, ref rng) + " " + Pick(LastNames, ref rng),
            < 0.50 => "The " + Pick(Nouns, ref rng) + "s",
            < 0.65 => Pick(Adjectives, ref rng) + " " + Pick(Nouns, ref rng),
            < 0.75 => "DJ " + Pick(FirstNames, ref rng),
            < 0.85 => Pick(FirstNames, ref rng) + " & The " + Pick(Nouns, ref rng) + "s",
            < 0.92 => Pick(Nouns, ref rng) + ", " + Pick(Nouns, ref rng) + " & " + Pick(Nouns, ref rng),
            _ => Pick(Foreign, ref rng),
        };
    }

    private static string Pick(string[] words, ref Rng rng) => words[rng.NextInt(words.Length)];
}
