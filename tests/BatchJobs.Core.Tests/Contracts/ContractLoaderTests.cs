using BatchJobs.Core.Contracts;
using BatchJobs.Core.Tests.Support;

namespace BatchJobs.Core.Tests.Contracts;

public class ContractLoaderTests
{
    /// <summary>A complete, valid contract; each malformed case below changes one thing in it.</summary>
    private const string Valid = """
        name: plays
        version: 1
        description: plays per user
        owner: tests
        partitioning: daily
        schema:
          - { name: user_id, type: string, nullable: false }
          - { name: plays, type: int64, nullable: false }
          - { name: score, type: double, nullable: true }
        primary_key: [user_id]
        producer:
          job: count-plays
          inputs:
            - raw: raw/plays/dt={date}
        parameters:
          half_life_days: "14"
        slo:
          schedule: "0 3 * * *"
          deadline: PT6H
          freshness: P2D
          retention: P30D
        checks:
          - { type: row_count, min: 1, severity: error }

        """;

    private const string File = "golden-datasets/plays.yaml";

    private TempRoot temp = null!;

    [SetUp]
    public void SetUp() => temp = new TempRoot();

    [TearDown]
    public void TearDown() => temp.Dispose();

    [Test]
    public void EveryRealContractLoads()
    {
        var folder = RepositoryRoot.GoldenDatasets;
        var files = Directory.GetFiles(folder, "*.yaml");

        var catalog = ContractLoader.LoadDirectory(folder);

        Assert.That(files, Is.Not.Empty);
        Assert.That(catalog.All.Select(c => Path.GetFileName(c.SourceFile)), Is.EquivalentTo(files.Select(Path.GetFileName)));
        Assert.That(catalog.All.Select(c => c.Name), Is.SupersetOf(new[] { "artists", "tracks", "listening_events", "listening_events_rejects", "user_track_affinity" }));
        foreach (var contract in catalog.All)
        {
            Assert.That(Path.GetFileNameWithoutExtension(contract.SourceFile), Is.EqualTo(contract.Name), "one file per dataset, named after it");
            Assert.That(contract.Schema, Is.Not.Empty, contract.Name);
            Assert.That(contract.Sha256, Has.Length.EqualTo(64), contract.Name);
        }
    }

    [Test]
    public void TheValidContractParsesIntoEveryField()
    {
        var contract = ContractLoader.Parse(Valid, File);

        Assert.Multiple(() =>
        {
            Assert.That(contract.Name, Is.EqualTo("plays"));
            Assert.That(contract.Version, Is.EqualTo(1));
            Assert.That(contract.Partitioning, Is.EqualTo(Partitioning.Daily));
            Assert.That(contract.Schema, Is.EqualTo(new[]
            {
                new ColumnSpec("user_id", ColumnType.String, false),
                new ColumnSpec("plays", ColumnType.Int64, false),
                new ColumnSpec("score", ColumnType.Double, true),
            }));
            Assert.That(contract.PrimaryKey, Is.EqualTo(new[] { "user_id" }));
            Assert.That(contract.Producer.Job, Is.EqualTo("count-plays"));
            Assert.That(contract.Producer.RawInputs, Is.EqualTo(new[] { new RawInput("raw/plays/dt={date}") }));
            Assert.That(contract.Parameters["half_life_days"], Is.EqualTo("14"));
            Assert.That(contract.Slo, Is.EqualTo(new SloSpec("0 3 * * *", TimeSpan.FromHours(6), TimeSpan.FromDays(2), TimeSpan.FromDays(30))));
            Assert.That(contract.Checks.Single().Type, Is.EqualTo("row_count"));
            Assert.That(contract.Checks.Single().Min, Is.EqualTo(1));
            Assert.That(contract.SourceFile, Is.EqualTo(File));
        });
    }

    [Test]
    public void ChecksDefaultToErrorSeverityAndAcceptASingleColumn()
    {
        var contract = ContractLoader.Parse(Valid + "  - { type: accepted_values, column: user_id, values: [a, b] }\n", File);
        var check = contract.Checks[1];
        Assert.That(check.Severity, Is.EqualTo(Severity.Error));
        Assert.That(check.Columns, Is.EqualTo(new[] { "user_id" }));
        Assert.That(check.DisplayName, Is.EqualTo("accepted_values(user_id)"));
    }

    [Test]
    public void ARawInputMayBeOptional()
    {
        var contract = ContractLoader.Parse(Valid.Replace("- raw: raw/plays/dt={date}", "- raw: raw/plays/dt={date}\n    - { raw: raw/boosts.csv, optional: true }"), File);

        Assert.That(contract.Producer.RawInputs, Is.EqualTo(new[] { new RawInput("raw/plays/dt={date}"), new RawInput("raw/boosts.csv", Optional: true) }));
    }

    [Test]
    public void TheContentHashChangesWithTheText()
    {
        var a = ContractLoader.Parse(Valid, File);
        var b = ContractLoader.Parse(Valid.Replace("plays per user", "plays per user, v2"), File);
        Assert.That(a.Sha256, Is.Not.EqualTo(b.Sha256));
    }

    /// <summary>One malformed contract per case: the text change, the field that must be named and a phrase of the problem.</summary>
    private static IEnumerable<TestCaseData> MalformedContracts()
    {
        TestCaseData Case(string what, string from, string to, string field, string problem) =>
            new TestCaseData(from, to, field, problem).SetName("Malformed_" + what);
        const string check = "  - { type: row_count, min: 1, severity: error }\n";

        yield return Case("MissingName", "name: plays\n", "", "name", "is required and missing or empty");
        yield return Case("EmptyName", "name: plays\n", "name: \"\"\n", "name", "is required");
        yield return Case("NameNotSnakeCase", "name: plays\n", "name: Plays-Per-User\n", "name", "'Plays-Per-User' is not a snake_case dataset name");
        yield return Case("VersionZero", "version: 1", "version: 0", "version", "must be a positive integer");
        yield return Case("MissingDescription", "description: plays per user\n", "", "description", "is required");
        yield return Case("UnknownPartitioning", "partitioning: daily", "partitioning: monthly", "partitioning", "'monthly' is not accepted; use daily or weekly");
        yield return Case("ColumnNotSnakeCase", "name: plays, type", "name: Plays, type", "schema[1].name", "'Plays' is not a snake_case column name");
        yield return Case("ColumnDeclaredTwice", "name: score, type", "name: plays, type", "schema[2].name", "column 'plays' is declared twice");
        yield return Case("UnknownColumnType", "type: int64", "type: integer", "schema[1].type", "'integer' is not a portable type; use one of string, int32, int64");
        yield return Case("MissingColumnType", "type: double, ", "", "schema[2].type", "'' is not a portable type");
        yield return Case("PrimaryKeyUnknownColumn", "primary_key: [user_id]", "primary_key: [user]", "primary_key", "'user' is not a column of the schema");
        yield return Case("PrimaryKeyEmpty", "primary_key: [user_id]", "primary_key: []", "primary_key", "must list at least one column");
        yield return Case("JobNotKebabCase", "job: count-plays", "job: count_plays", "producer.job", "'count_plays' is not a kebab-case job name");
        yield return Case("InputWithDatasetAndRaw", "- raw: raw/plays/dt={date}", "- { raw: raw/plays, dataset: users }", "producer.inputs[0]", "give exactly one of 'dataset'");
        yield return Case("RawInputEscapesTheRoot", "- raw: raw/plays/dt={date}", "- raw: raw/../../etc", "producer.inputs[0].raw", "without '..'");
        yield return Case("RawInputRooted", "- raw: raw/plays/dt={date}", "- raw: /etc/passwd", "producer.inputs[0].raw", "must be a relative path");
        yield return Case("OptionalDatasetInput", "- raw: raw/plays/dt={date}", "- { dataset: users, optional: true }", "producer.inputs[0].optional", "applies to a 'raw' input only");
        yield return Case("WindowOfZeroDays", "- raw: raw/plays/dt={date}", "- { dataset: plays, window_days: 0 }", "producer.inputs[0].window_days", "must be at least 1");
        yield return Case("MissingSlo", "slo:\n  schedule: \"0 3 * * *\"\n  deadline: PT6H\n  freshness: P2D\n  retention: P30D\n", "", "slo", "must declare schedule, deadline, freshness and retention");
        yield return Case("CronWithFourFields", "schedule: \"0 3 * * *\"", "schedule: \"0 3 * *\"", "slo.schedule", "'0 3 * *' is not a five-field cron expression");
        yield return Case("CronFieldsOutOfRange", "schedule: \"0 3 * * *\"", "schedule: \"75 27 * * *\"", "slo.schedule", "'75 27 * * *'");
        yield return Case("CronNotCron", "schedule: \"0 3 * * *\"", "schedule: \"every day at 3\"", "slo.schedule", "is not a five-field cron expression");
        yield return Case("DurationNotIso", "deadline: PT6H", "deadline: 6h", "slo.deadline", "'6h' is not a positive ISO-8601 duration");
        yield return Case("DurationZero", "freshness: P2D", "freshness: PT0S", "slo.freshness", "'PT0S' is not a positive ISO-8601 duration");
        yield return Case("DurationNegative", "retention: P30D", "retention: -P30D", "slo.retention", "is not a positive ISO-8601 duration");
        yield return Case("DurationMissing", "  retention: P30D\n", "", "slo.retention", "is required");
        yield return Case("UnknownCheckType", "type: row_count", "type: row_cnt", "checks[0].type", "'row_cnt' is not a check type; use one of accepted_values, balance");
        yield return Case("UnknownSeverity", "severity: error", "severity: fatal", "checks[0].severity", "'fatal' is not accepted; use error (blocks publishing) or warn");
        yield return Case("RowCountWithoutBounds", check, "  - { type: row_count }\n", "checks[0].min", "a row_count check needs min and/or max");
        yield return Case("CheckOnUnknownColumn", check, check + "  - { type: not_null, columns: [user_id, user] }\n", "checks[1].columns", "'user' is not a column of the schema; columns: user_id, plays, score");
        yield return Case("NotNullWithoutColumns", check, "  - { type: not_null }\n", "checks[0].columns", "a not_null check needs the columns to check");
        yield return Case("UniqueWithoutColumns", check, "  - { type: unique, columns: [] }\n", "checks[0].columns", "a unique check needs the columns to check");
        yield return Case("AcceptedValuesWithoutValues", check, "  - { type: accepted_values, column: user_id }\n", "checks[0].values", "a accepted_values check needs the list of accepted values");
        yield return Case("AcceptedValuesOnTwoColumns", check, "  - { type: accepted_values, columns: [user_id, plays], values: [a] }\n", "checks[0].column", "exactly one column");
        yield return Case("RangeWithoutBounds", check, "  - { type: range, column: score }\n", "checks[0].min", "a range check needs min and/or max");
        yield return Case("RelationshipWithoutTo", check, "  - { type: relationship, column: user_id }\n", "checks[0].to", "a relationship check needs the referenced 'dataset.column'");
        yield return Case("RelationshipToWithoutColumn", check, "  - { type: relationship, column: user_id, to: users }\n", "checks[0].to", "the referenced 'dataset.column'");
        yield return Case("RelationshipWithoutColumn", check, "  - { type: relationship, to: users.user_id }\n", "checks[0].column", "exactly one column");
        yield return Case("RelativeRowCountWithoutMaxChange", check, "  - { type: relative_row_count }\n", "checks[0].max_change", "a positive max_change");
        yield return Case("RelativeRowCountNegative", check, "  - { type: relative_row_count, max_change: -0.5 }\n", "checks[0].max_change", "a positive max_change");
        yield return Case("BalanceWithoutParts", check, "  - { type: balance, total: input_rows }\n", "checks[0].parts", "the statistics that add up to 'total'");
        yield return Case("BalanceWithoutTotal", check, "  - { type: balance, parts: [a, b] }\n", "checks[0].total", "the statistic that must equal the sum");
        yield return Case("MaxRatioWithoutDenominator", check, "  - { type: max_ratio, numerator: rejected_rows, max: 0.05 }\n", "checks[0].numerator", "numerator and denominator");
        yield return Case("MaxRatioWithoutMax", check, "  - { type: max_ratio, numerator: rejected_rows, denominator: input_rows }\n", "checks[0].max", "the largest accepted ratio");
    }

    [TestCaseSource(nameof(MalformedContracts))]
    public void AMalformedContractNamesTheFileTheFieldAndTheProblem(string from, string to, string field, string problem)
    {
        Assert.That(Valid, Does.Contain(from), "the case must change the valid contract");
        var yaml = Valid.Replace(from, to);

        var e = Assert.Throws<ContractException>(() => ContractLoader.Parse(yaml, File))!;

        Assert.Multiple(() =>
        {
            Assert.That(e.File, Is.EqualTo(File));
            Assert.That(e.Field, Is.EqualTo(field));
            Assert.That(e.Message, Does.StartWith($"{File}: field '{field}': "));
            Assert.That(e.Message, Does.Contain(problem));
        });
    }

    [TestCase("owner: tests", "ownr: tests", "ownr", TestName = "Malformed_MisspeltTopLevelField")]
    [TestCase("deadline: PT6H", "deadlin: PT6H", "deadlin", TestName = "Malformed_MisspeltNestedField")]
    [TestCase("severity: error", "severity: error, colour: red", "colour", TestName = "Malformed_UnknownCheckField")]
    public void AMisspeltFieldIsAParseErrorWithItsLine(string original, string replacement, string misspelt)
    {
        var yaml = Valid.Replace(original, replacement);
        var line = yaml.Split('\n').ToList().FindIndex(l => l.Contains(misspelt, StringComparison.Ordinal)) + 1;

        var e = Assert.Throws<ContractException>(() => ContractLoader.Parse(yaml, File))!;

        Assert.Multiple(() =>
        {
            Assert.That(e.File, Is.EqualTo(File));
            Assert.That(e.Field, Does.StartWith($"line {line}, column "));
            Assert.That(e.Message, Does.Contain($"'{misspelt}'"));
            Assert.That(e.Message, Does.Contain("not a valid contract document"));
        });
    }

    [Test]
    public void AWrongScalarTypeIsAParseError()
    {
        var e = Assert.Throws<ContractException>(() => ContractLoader.Parse(Valid.Replace("version: 1", "version: one"), File))!;
        Assert.That(e.Field, Does.StartWith("line 2, column "));
        Assert.That(e.Message, Does.Contain(File));
    }

    [Test]
    public void AnEmptyFileSaysWhatAContractNeeds()
    {
        var e = Assert.Throws<ContractException>(() => ContractLoader.Parse("", File))!;
        Assert.That(e.Field, Is.EqualTo("(document)"));
        Assert.That(e.Message, Does.Contain("the file is empty"));
    }

    [Test]
    public void AMissingFolderIsNamed()
    {
        var missing = Path.Combine(temp.Root, "nowhere");
        var e = Assert.Throws<ContractException>(() => ContractLoader.LoadDirectory(missing))!;
        Assert.That(e.File, Is.EqualTo(missing));
        Assert.That(e.Message, Does.Contain("does not exist"));
    }

    [Test]
    public void LoadFileNamesTheFileItRead()
    {
        var path = temp.Write("contracts/plays.yaml", Valid.Replace("version: 1", "version: -2"));
        var e = Assert.Throws<ContractException>(() => ContractLoader.LoadFile(path))!;
        Assert.That(e.File, Is.EqualTo(path));
        Assert.That(e.Message, Does.StartWith(path + ": field 'version'"));
    }

    [Test]
    public void ADatasetDeclaredInTwoFilesNamesBoth()
    {
        var first = temp.Write("contracts/a_plays.yaml", Valid);
        var second = temp.Write("contracts/b_plays.yaml", Valid);

        var e = Assert.Throws<ContractException>(() => ContractLoader.LoadDirectory(Path.Combine(temp.Root, "contracts")))!;

        Assert.That(e.File, Is.EqualTo(second));
        Assert.That(e.Field, Is.EqualTo("name"));
        Assert.That(e.Message, Does.Contain($"dataset 'plays' is already declared in {first}"));
    }

    [Test]
    public void AnInputMustBeADeclaredDataset()
    {
        var consumer = temp.Write("contracts/totals.yaml", TestContracts.Yaml("totals", ["user_id string"], job: "sum-plays", inputs: ["dataset: plays"]));
        temp.Write("contracts/users.yaml", TestContracts.Yaml("users", ["user_id string"], job: "load-users"));

        var e = Assert.Throws<ContractException>(() => ContractLoader.LoadDirectory(Path.Combine(temp.Root, "contracts")))!;

        Assert.That(e.File, Is.EqualTo(consumer));
        Assert.That(e.Field, Is.EqualTo("producer.inputs[0].dataset"));
        Assert.That(e.Message, Does.Contain("'plays' is not a declared dataset; declared: totals, users"));
    }

    [Test]
    public void ARelationshipMustPointAtADeclaredDataset()
    {
        var plays = temp.Write("contracts/plays.yaml", TestContracts.Yaml("plays", ["user_id string"],
            ["type: row_count, min: 1", "type: relationship, column: user_id, to: people.user_id"]));

        var e = Assert.Throws<ContractException>(() => ContractLoader.LoadDirectory(Path.Combine(temp.Root, "contracts")))!;

        Assert.That(e.File, Is.EqualTo(plays));
        Assert.That(e.Field, Is.EqualTo("checks[1].to"));
        Assert.That(e.Message, Does.Contain("'people' is not a declared dataset"));
    }

    [Test]
    public void ARelationshipMustPointAtAColumnOfTheDataset()
    {
        var plays = temp.Write("contracts/plays.yaml", TestContracts.Yaml("plays", ["user_id string"],
            ["type: relationship, column: user_id, to: users.id"]));
        temp.Write("contracts/users.yaml", TestContracts.Yaml("users", ["user_id string"], job: "load-users"));

        var e = Assert.Throws<ContractException>(() => ContractLoader.LoadDirectory(Path.Combine(temp.Root, "contracts")))!;

        Assert.That(e.File, Is.EqualTo(plays));
        Assert.That(e.Field, Is.EqualTo("checks[0].to"));
        Assert.That(e.Message, Does.Contain("dataset 'users' has no column 'id'"));
    }

    [Test]
    public void TheContractsOfOneJobMustDeclareTheSameInputs()
    {
        temp.Write("contracts/users.yaml", TestContracts.Yaml("users", ["user_id string"], job: "load-users"));
        temp.Write("contracts/a_out.yaml", TestContracts.Yaml("a_out", ["user_id string"], job: "split-users", inputs: ["dataset: users"]));
        var second = temp.Write("contracts/b_out.yaml", TestContracts.Yaml("b_out", ["user_id string"], job: "split-users", inputs: ["dataset: users, window_days: 7"]));

        var e = Assert.Throws<ContractException>(() => ContractLoader.LoadDirectory(Path.Combine(temp.Root, "contracts")))!;

        Assert.That(e.File, Is.EqualTo(second));
        Assert.That(e.Field, Is.EqualTo("producer.inputs"));
        Assert.That(e.Message, Does.Contain("job 'split-users' produces a_out, b_out, whose contracts declare different inputs"));
    }

    [Test]
    public void TheContractsOfOneJobMayDeclareTheirInputsInAnyOrder()
    {
        temp.Write("contracts/users.yaml", TestContracts.Yaml("users", ["user_id string"], job: "load-users"));
        temp.Write("contracts/a_out.yaml", TestContracts.Yaml("a_out", ["user_id string"], job: "split-users", inputs: ["dataset: users", "raw: raw/x"]));
        temp.Write("contracts/b_out.yaml", TestContracts.Yaml("b_out", ["user_id string"], job: "split-users", inputs: ["raw: raw/x", "dataset: users"]));

        var catalog = ContractLoader.LoadDirectory(Path.Combine(temp.Root, "contracts"));

        Assert.That(catalog.ProducedBy("split-users").Select(c => c.Name), Is.EqualTo(new[] { "a_out", "b_out" }));
        Assert.That(catalog.Jobs, Is.EqualTo(new[] { "load-users", "split-users" }));
    }

    [Test]
    public void OnlyYamlFilesAreContracts()
    {
        temp.Write("contracts/plays.yaml", Valid);
        temp.Write("contracts/README.md", "# not a contract");

        var catalog = ContractLoader.LoadDirectory(Path.Combine(temp.Root, "contracts"));

        Assert.That(catalog.All.Select(c => c.Name), Is.EqualTo(new[] { "plays" }));
    }

    [Test]
    public void TheCatalogNamesWhatIsDeclaredWhenAskedForSomethingElse()
    {
        temp.Write("contracts/plays.yaml", Valid);
        var catalog = ContractLoader.LoadDirectory(Path.Combine(temp.Root, "contracts"));

        Assert.That(() => catalog.Get("../plays"), Throws.TypeOf<UsageException>().With.Message.Contains("'../plays' is not a declared dataset; declared datasets: plays"));
        Assert.That(() => catalog.ProducedBy("count"), Throws.TypeOf<UsageException>().With.Message.Contains("'count' is not a declared job; declared jobs: count-plays"));
    }
}
