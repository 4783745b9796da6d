using System.Text;
using BatchJobs.Core.Contracts;

namespace BatchJobs.Core.Tests.Support;

/// <summary>Writes small, valid contract YAML for tests, so each test states only what it is about.</summary>
public static class TestContracts
{
    /// <param name="name">The dataset name.</param>
    /// <param name="columns">"name type", with a trailing '?' on the type for a nullable column, e.g. "score double?".</param>
    /// <param name="checks">The inside of each check's flow map, e.g. "type: unique, columns: [user_id]".</param>
    /// <param name="job">The producing job.</param>
    /// <param name="inputs">The inside of each input's flow map; by default one raw folder per date.</param>
    /// <param name="partitioning">daily or weekly.</param>
    /// <param name="retention">An ISO-8601 duration.</param>
    /// <param name="parameters">Declared job parameters with their defaults.</param>
    public static string Yaml(string name, IEnumerable<string> columns, IEnumerable<string>? checks = null, string job = "test-job",
        IEnumerable<string>? inputs = null, string partitioning = "daily", string retention = "P30D", IReadOnlyDictionary<string, string>? parameters = null)
    {
        var schema = columns.Select(c => c.Split(' ')).ToList();
        var yaml = new StringBuilder();
        yaml.Append($"name: {name}\nversion: 1\ndescription: a dataset for tests\nowner: tests\npartitioning: {partitioning}\nschema:\n");
        foreach (var column in schema)
            yaml.Append($"  - {{ name: {column[0]}, type: {column[1].TrimEnd('?')}, nullable: {(column[1].EndsWith('?') ? "true" : "false")} }}\n");
        yaml.Append($"primary_key: [{schema[0][0]}]\nproducer:\n  job: {job}\n  inputs:\n");
        foreach (var input in inputs ?? [$"raw: \"raw/{name}/dt={{date}}\""]) yaml.Append($"    - {{ {input} }}\n");
        yaml.Append(parameters is null or { Count: 0 } ? "parameters: {}\n" : "parameters:\n");
        foreach (var (key, value) in parameters ?? new Dictionary<string, string>()) yaml.Append($"  {key}: \"{value}\"\n");
        yaml.Append($"slo:\n  schedule: \"0 3 * * *\"\n  deadline: PT6H\n  freshness: P2D\n  retention: {retention}\n");
        yaml.Append("checks:\n");
        foreach (var check in checks ?? []) yaml.Append($"  - {{ {check} }}\n");
        if (checks is null || !checks.Any()) yaml.Replace("checks:\n", "checks: []\n");
        return yaml.ToString();
    }

    /// <summary>Parses contract text as if it came from <c>&lt;name&gt;.yaml</c>.</summary>
    public static DatasetContract Parse(string yaml) => ContractLoader.Parse(yaml, "test.yaml");
}
