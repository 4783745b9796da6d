using BatchJobs.Core.Jobs;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace BatchJobs.Jobs.EditorialPlaylists;

/// <summary>
/// An editor's playlist template: a named pool of tracks and its rules, personalised per user by the same ranking as
/// Discover Weekly. Read from the optional raw YAML <c>raw/editorial/templates.yaml</c> (an optional raw input of the
/// contract, so the run's fingerprint and lineage follow it):
/// <code>
/// templates:
///   - id: late_night_jazz        # snake_case, unique
///     name: Late Night Jazz
///     length: 20                 # tracks per user (default 20)
///     max_per_artist: 1          # default 2
///     exclude_played: true       # leave out tracks the user played in the window (default true)
///     tracks: [t0000001, t0000002]
/// </code>
/// </summary>
public sealed record EditorialTemplate(string Id, string Name, int Length, int MaxPerArtist, bool ExcludePlayed, IReadOnlyList<string> Tracks)
{
    /// <summary>Where the file is expected below the root (the contract's raw input).</summary>
    public const string RelativePath = "raw/editorial/templates.yaml";

    private static readonly IDeserializer Deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();

    /// <summary>The templates of the raw input's files; none when it is absent.</summary>
    /// <exception cref="BadInputException">A file is malformed, or two templates share an id; the message names the
    /// file, template and field.</exception>
    public static IReadOnlyList<EditorialTemplate> Read(IReadOnlyList<string> files)
    {
        var templates = new List<EditorialTemplate>();
        foreach (var path in files) ReadFile(path, templates);
        return templates;
    }

    private static void ReadFile(string path, List<EditorialTemplate> templates)
    {
        TemplatesDocument? document;
        try
        {
            document = Deserializer.Deserialize<TemplatesDocument>(File.ReadAllText(path));
        }
        catch (YamlException e)
        {
            throw new BadInputException($"{path}, line {e.Start.Line}: not a templates document ({e.InnerException?.Message ?? e.Message}); see EditorialTemplate for the format");
        }
        foreach (var (t, i) in (document?.Templates ?? []).Select((t, i) => (t, i)))
        {
            string Where(string field) => $"{path}, templates[{i}].{field}";
            if (string.IsNullOrWhiteSpace(t.Id) || !t.Id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
                throw new BadInputException($"{Where("id")}: '{t.Id}' must be a snake_case id");
            if (templates.Any(x => x.Id == t.Id)) throw new BadInputException($"{Where("id")}: '{t.Id}' is used twice; give each template its own id");
            if (t.Tracks is not { Count: > 0 }) throw new BadInputException($"{Where("tracks")}: the pool of tracks is empty");
            if (t.Length is < 1) throw new BadInputException($"{Where("length")}: {t.Length} must be at least 1");
            if (t.MaxPerArtist is < 1) throw new BadInputException($"{Where("max_per_artist")}: {t.MaxPerArtist} must be at least 1");
            templates.Add(new EditorialTemplate(t.Id, string.IsNullOrWhiteSpace(t.Name) ? t.Id : t.Name, t.Length ?? 20, t.MaxPerArtist ?? 2, t.ExcludePlayed ?? true,
                t.Tracks.Distinct(StringComparer.Ordinal).ToList()));
        }
    }

#pragma warning disable CA1812 // instantiated by YamlDotNet
    private sealed class TemplatesDocument
    {
        public List<TemplateDocument>? Templates { get; set; }
    }

    private sealed class TemplateDocument
    {
        public string? Id { get; set; }
        public string? Name { get; set; }
        public int? Length { get; set; }
        public int? MaxPerArtist { get; set; }
        public bool? ExcludePlayed { get; set; }
        public List<string>? Tracks { get; set; }
    }
#pragma warning restore CA1812
}
