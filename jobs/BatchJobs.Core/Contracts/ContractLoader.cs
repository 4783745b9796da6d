using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Xml;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace BatchJobs.Core.Contracts;

/// <summary>
/// Loads and validates the YAML contracts of a folder. Validation is complete at start-up: every later step may
/// rely on names, types and check arguments being well-formed.
/// </summary>
public static partial class ContractLoader
{
    /// <summary>The check types a contract may declare.</summary>
    public static readonly IReadOnlySet<string> CheckTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "row_count", "not_null", "unique", "accepted_values", "range", "relationship", "relative_row_count",
        "balance", "max_ratio", "vector", "covers", "sql",
    };

    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex SnakeCase();

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex KebabCase();

    /// <summary>Loads every <c>*.yaml</c> file of <paramref name="directory"/> into a catalogue.</summary>
    /// <exception cref="ContractException">A file is malformed, or two files declare the same dataset.</exception>
    public static ContractCatalog LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
            throw new ContractException(directory, "(folder)", "the contracts folder does not exist; pass the folder that holds the golden-datasets/*.yaml files");
        var contracts = new List<DatasetContract>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            var contract = LoadFile(file);
            var clash = contracts.FirstOrDefault(c => c.Name == contract.Name);
            if (clash is not null)
                throw new ContractException(file, "name", $"dataset '{contract.Name}' is already declared in {clash.SourceFile}; give each dataset one contract");
            contracts.Add(contract);
        }
        var catalog = new ContractCatalog(contracts);
        ValidateReferences(catalog);
        return catalog;
    }

    /// <summary>Loads and validates one contract file.</summary>
    public static DatasetContract LoadFile(string file)
    {
        var text = File.ReadAllText(file);
        return Parse(text, file);
    }

    /// <summary>Parses contract text; <paramref name="file"/> is used in error messages.</summary>
    public static DatasetContract Parse(string yaml, string file)
    {
        ContractDocument? doc;
        try
        {
            doc = Deserializer.Deserialize<ContractDocument>(yaml);
        }
        catch (YamlException e)
        {
            var detail = e.InnerException?.Message ?? e.Message;
            throw new ContractException(file, $"line {e.Start.Line}, column {e.Start.Column}",
                $"not a valid contract document: {detail}. Check the field name and its indentation against golden-datasets/README.md");
        }
        if (doc is null) throw new ContractException(file, "(document)", "the file is empty; a contract needs at least name, version, schema, producer, slo");
        var v = new Validator(file);
        var name = v.Required(doc.Name, "name");
        v.Match(name, "name", SnakeCase(), "a snake_case dataset name such as user_track_affinity");
        if (doc.Version is null or < 1) throw new ContractException(file, "version", "must be a positive integer; bump it whenever the schema or checks change");
        var schema = ParseSchema(doc, v);
        var columnNames = schema.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var primaryKey = doc.PrimaryKey ?? [];
        if (primaryKey.Count == 0) throw new ContractException(file, "primary_key", "must list at least one column");
        foreach (var key in primaryKey) v.Column(key, "primary_key", columnNames);
        return new DatasetContract
        {
            Name = name,
            Version = doc.Version.Value,
            Description = v.Required(doc.Description, "description"),
            Owner = v.Required(doc.Owner, "owner"),
            Partitioning = v.Required(doc.Partitioning, "partitioning") switch
            {
                "daily" => Partitioning.Daily,
                "weekly" => Partitioning.Weekly,
                var other => throw new ContractException(file, "partitioning", $"'{other}' is not accepted; use daily or weekly"),
            },
            Schema = schema,
            PrimaryKey = primaryKey,
            Producer = ParseProducer(doc.Producer, v),
            Parameters = doc.Parameters ?? new Dictionary<string, string>(),
            Slo = ParseSlo(doc.Slo, v),
            Checks = (doc.Checks ?? []).Select((c, i) => ParseCheck(c, i, v, columnNames)).ToList(),
            SourceFile = file,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(yaml))),
        };
    }

    private static List<ColumnSpec> ParseSchema(ContractDocument doc, Validator v)
    {
        if (doc.Schema is null || doc.Schema.Count == 0) throw new ContractException(v.File, "schema", "must list the dataset's columns (name, type, nullable)");
        var columns = new List<ColumnSpec>();
        for (var i = 0; i < doc.Schema.Count; i++)
        {
            var c = doc.Schema[i];
            var field = $"schema[{i}]";
            var name = v.Required(c.Name, field + ".name");
            v.Match(name, field + ".name", SnakeCase(), "a snake_case column name");
            if (columns.Any(existing => existing.Name == name)) throw new ContractException(v.File, field + ".name", $"column '{name}' is declared twice");
            if (!ColumnTypeNames.TryParse(c.Type, out var type))
                throw new ContractException(v.File, field + ".type", $"'{c.Type}' is not a portable type; use one of {string.Join(", ", ColumnTypeNames.Accepted)}");
            columns.Add(new ColumnSpec(name, type, c.Nullable ?? false));
        }
        return columns;
    }

    private static ProducerSpec ParseProducer(ProducerDocument? producer, Validator v)
    {
        if (producer is null) throw new ContractException(v.File, "producer", "must name the job that produces the dataset (producer.job) and its inputs");
        var job = v.Required(producer.Job, "producer.job");
        v.Match(job, "producer.job", KebabCase(), "a kebab-case job name such as user-track-affinity");
        var inputs = new List<DatasetInput>();
        var raw = new List<RawInput>();
        for (var i = 0; i < (producer.Inputs?.Count ?? 0); i++)
        {
            var input = producer.Inputs![i];
            var field = $"producer.inputs[{i}]";
            if ((input.Dataset is null) == (input.Raw is null))
                throw new ContractException(v.File, field, "give exactly one of 'dataset' (a Golden Dataset) or 'raw' (a path below the root)");
            if (input.Raw is not null)
            {
                if (Path.IsPathRooted(input.Raw) || input.Raw.Split('/').Contains(".."))
                    throw new ContractException(v.File, field + ".raw", "must be a relative path below the root without '..'");
                raw.Add(new RawInput(input.Raw, input.Optional ?? false));
                continue;
            }
            if (input.Optional is not null)
                throw new ContractException(v.File, field + ".optional", "applies to a 'raw' input only; a Golden Dataset input is always required");
            if (input.WindowDays is < 1) throw new ContractException(v.File, field + ".window_days", "must be at least 1 (1 = the date's own partition)");
            if (input.OffsetDays is < 0) throw new ContractException(v.File, field + ".offset_days", "must be zero or more (days before the logical date the window ends)");
            inputs.Add(new DatasetInput(input.Dataset!, input.WindowDays ?? 1, input.OffsetDays ?? 0));
        }
        return new ProducerSpec(job, inputs, raw);
    }

    private static SloSpec ParseSlo(SloDocument? slo, Validator v)
    {
        if (slo is null) throw new ContractException(v.File, "slo", "must declare schedule, deadline, freshness and retention");
        var schedule = v.Required(slo.Schedule, "slo.schedule");
        if (schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length != 5)
            throw new ContractException(v.File, "slo.schedule", $"'{schedule}' is not a five-field cron expression (minute hour day month weekday, UTC), e.g. \"0 3 * * *\"");
        try
        {
            Cronos.CronExpression.Parse(schedule);
        }
        catch (Cronos.CronFormatException e)
        {
            throw new ContractException(v.File, "slo.schedule", $"'{schedule}' is not a valid cron expression: {e.Message}");
        }
        return new SloSpec(schedule, v.Duration(slo.Deadline, "slo.deadline"), v.Duration(slo.Freshness, "slo.freshness"), v.Duration(slo.Retention, "slo.retention"));
    }

    private static CheckSpec ParseCheck(CheckDocument c, int index, Validator v, IReadOnlySet<string> columns)
    {
        var field = $"checks[{index}]";
        var type = v.Required(c.Type, field + ".type");
        if (!CheckTypes.Contains(type))
            throw new ContractException(v.File, field + ".type", $"'{type}' is not a check type; use one of {string.Join(", ", CheckTypes.Order())}");
        var severity = (c.Severity ?? "error") switch
        {
            "error" => Severity.Error,
            "warn" => Severity.Warn,
            var other => throw new ContractException(v.File, field + ".severity", $"'{other}' is not accepted; use error (blocks publishing) or warn (reported)"),
        };
        var checkColumns = c.Columns ?? (c.Column is null ? [] : [c.Column]);
        foreach (var column in checkColumns) v.Column(column, field + ".columns", columns);
        void Need(bool ok, string what, string hint)
        {
            if (!ok) throw new ContractException(v.File, $"{field}.{what}", $"a {type} check needs {hint}");
        }
        switch (type)
        {
            case "row_count":
                Need(c.Min is not null || c.Max is not null, "min", "min and/or max");
                break;
            case "not_null" or "unique":
                Need(checkColumns.Count > 0, "columns", "the columns to check");
                break;
            case "accepted_values":
                Need(checkColumns.Count == 1, "column", "exactly one column");
                Need(c.Values is { Count: > 0 }, "values", "the list of accepted values");
                break;
            case "range":
                Need(checkColumns.Count == 1, "column", "exactly one column");
                Need(c.Min is not null || c.Max is not null, "min", "min and/or max");
                break;
            case "relationship":
                Need(checkColumns.Count == 1, "column", "exactly one column");
                Need(c.To is not null && c.To.Split('.').Length == 2, "to", "the referenced 'dataset.column'");
                break;
            case "relative_row_count":
                Need(c.MaxChange is > 0, "max_change", "a positive max_change (e.g. 0.5 for ±50%)");
                break;
            case "balance":
                Need(c.Total is not null, "total", "the statistic that must equal the sum of 'parts'");
                Need(c.Parts is { Count: > 0 }, "parts", "the statistics that add up to 'total'");
                break;
            case "vector":
                Need(checkColumns.Count == 1, "column", "exactly one list<float> column");
                Need(c.Dimension is not null, "dimension", "the run statistic that holds the expected dimension");
                break;
            case "covers":
                Need(checkColumns.Count == 1, "column", "exactly one column");
                Need(c.Of is not null && c.Of.Split('.').Length == 2, "of", "the 'dataset.column' whose values must all appear");
                break;
            case "sql":
                Need(!string.IsNullOrWhiteSpace(c.Query), "query", "a query returning the failing rows");
                Need(!string.IsNullOrWhiteSpace(c.Description), "description", "a description of what it asserts");
                break;
            case "max_ratio":
                Need(c.Numerator is not null && c.Denominator is not null, "numerator", "numerator and denominator statistics");
                Need(c.Max is not null, "max", "the largest accepted ratio");
                break;
        }
        return new CheckSpec
        {
            Type = type, Severity = severity, Columns = checkColumns, Min = c.Min, Max = c.Max, Values = c.Values ?? [],
            To = c.To, MaxChange = c.MaxChange, Of = c.Of, Dimension = c.Dimension, Query = c.Query, Description = c.Description, Total = c.Total, Parts = c.Parts ?? [], Numerator = c.Numerator, Denominator = c.Denominator,
        };
    }

    private static void ValidateReferences(ContractCatalog catalog)
    {
        foreach (var contract in catalog.All)
        {
            for (var i = 0; i < contract.Producer.Inputs.Count; i++)
            {
                var input = contract.Producer.Inputs[i];
                if (!catalog.TryGet(input.Dataset, out _))
                    throw new ContractException(contract.SourceFile, $"producer.inputs[{i}].dataset",
                        $"'{input.Dataset}' is not a declared dataset; declared: {string.Join(", ", catalog.All.Select(c => c.Name))}");
            }
            for (var i = 0; i < contract.Checks.Count; i++)
            {
                var check = contract.Checks[i];
                if (check.Type is not ("relationship" or "covers")) continue;
                var parts = (check.To ?? check.Of)!.Split('.');
                if (!catalog.TryGet(parts[0], out var target))
                    throw new ContractException(contract.SourceFile, $"checks[{i}].{(check.To is null ? "of" : "to")}", $"'{parts[0]}' is not a declared dataset");
                if (target.Schema.All(c => c.Name != parts[1]))
                    throw new ContractException(contract.SourceFile, $"checks[{i}].{(check.To is null ? "of" : "to")}", $"dataset '{parts[0]}' has no column '{parts[1]}'");
            }
        }
        foreach (var group in catalog.All.GroupBy(c => c.Producer.Job))
        {
            var inputs = group.Select(c => string.Join(";", c.Producer.Inputs.Select(i => $"{i.Dataset}:{i.WindowDays}:{i.OffsetDays}").Concat(c.Producer.RawInputs.Select(r => r.Optional ? r.Path + " (optional)" : r.Path)).Order())).Distinct().ToList();
            if (inputs.Count > 1)
                throw new ContractException(group.Last().SourceFile, "producer.inputs",
                    $"job '{group.Key}' produces {string.Join(", ", group.Select(c => c.Name))}, whose contracts declare different inputs; declare the same inputs in each");
        }
    }

    private sealed class Validator(string file)
    {
        public string File { get; } = file;

        public string Required(string? value, string field) => string.IsNullOrWhiteSpace(value)
            ? throw new ContractException(File, field, "is required and missing or empty")
            : value;

        public void Match(string value, string field, Regex pattern, string expected)
        {
            if (!pattern.IsMatch(value)) throw new ContractException(File, field, $"'{value}' is not {expected}");
        }

        public void Column(string column, string field, IReadOnlySet<string> columns)
        {
            if (!columns.Contains(column))
                throw new ContractException(File, field, $"'{column}' is not a column of the schema; columns: {string.Join(", ", columns)}");
        }

        public TimeSpan Duration(string? value, string field)
        {
            var text = Required(value, field);
            try
            {
                var span = XmlConvert.ToTimeSpan(text);
                if (span <= TimeSpan.Zero) throw new FormatException();
                return span;
            }
            catch (FormatException)
            {
                throw new ContractException(File, field, $"'{text}' is not a positive ISO-8601 duration such as PT6H, P1D or P30D");
            }
        }
    }

    // YAML shapes: what the file may say. Unknown fields are a parse error, so a misspelt field never goes unnoticed.
#pragma warning disable CA1812
    private sealed class ContractDocument
    {
        public string? Name { get; set; }
        public int? Version { get; set; }
        public string? Description { get; set; }
        public string? Owner { get; set; }
        public string? Partitioning { get; set; }
        public List<ColumnDocument>? Schema { get; set; }
        public List<string>? PrimaryKey { get; set; }
        public ProducerDocument? Producer { get; set; }
        public Dictionary<string, string>? Parameters { get; set; }
        public SloDocument? Slo { get; set; }
        public List<CheckDocument>? Checks { get; set; }
    }

    private sealed class ColumnDocument
    {
        public string? Name { get; set; }
        public string? Type { get; set; }
        public bool? Nullable { get; set; }
        public string? Description { get; set; }
    }

    private sealed class ProducerDocument
    {
        public string? Job { get; set; }
        public List<InputDocument>? Inputs { get; set; }
    }

    private sealed class InputDocument
    {
        public string? Dataset { get; set; }
        public string? Raw { get; set; }
        public bool? Optional { get; set; }
        public int? WindowDays { get; set; }
        public int? OffsetDays { get; set; }
    }

    private sealed class SloDocument
    {
        public string? Schedule { get; set; }
        public string? Deadline { get; set; }
        public string? Freshness { get; set; }
        public string? Retention { get; set; }
    }

    private sealed class CheckDocument
    {
        public string? Type { get; set; }
        public string? Severity { get; set; }
        public string? Column { get; set; }
        public List<string>? Columns { get; set; }
        public double? Min { get; set; }
        public double? Max { get; set; }
        public List<string>? Values { get; set; }
        public string? To { get; set; }
        public double? MaxChange { get; set; }
        public string? Total { get; set; }
        public List<string>? Parts { get; set; }
        public string? Numerator { get; set; }
        public string? Denominator { get; set; }
        public string? Of { get; set; }
        public string? Dimension { get; set; }
        public string? Query { get; set; }
        public string? Description { get; set; }
    }
#pragma warning restore CA1812
}
