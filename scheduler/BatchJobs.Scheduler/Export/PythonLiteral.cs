using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BatchJobs.Scheduler.Export;

/// <summary>Python source literals: a JSON string literal is a valid Python string literal.</summary>
internal static class PythonLiteral
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string String(string value) => JsonSerializer.Serialize(value, Options);

    public static string Strings(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(String)) + "]";

    public static string TimeDelta(TimeSpan span) => $"timedelta(seconds={((long)span.TotalSeconds).ToString(CultureInfo.InvariantCulture)})";

    /// <summary>A Python identifier from a job name: <c>user-track-affinity</c> → <c>user_track_affinity</c>.</summary>
    public static string Identifier(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
}
