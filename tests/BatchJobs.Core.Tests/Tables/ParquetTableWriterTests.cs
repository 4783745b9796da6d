using BatchJobs.Core.Contracts;
using BatchJobs.Core.Engine;
using BatchJobs.Core.Tables;
using BatchJobs.Core.Tests.Support;

namespace BatchJobs.Core.Tests.Tables;

public class ParquetTableWriterTests
{
    private static readonly ColumnSpec[] AllTypes =
    [
        new("user_id", ColumnType.String, false),
        new("note", ColumnType.String, true),
        new("small", ColumnType.Int32, false),
        new("maybe_small", ColumnType.Int32, true),
        new("big", ColumnType.Int64, false),
        new("maybe_big", ColumnType.Int64, true),
        new("ratio", ColumnType.Float, false),
        new("weight", ColumnType.Double, false),
        new("maybe_weight", ColumnType.Double, true),
        new("flag", ColumnType.Boolean, false),
        new("day", ColumnType.Date, false),
        new("at", ColumnType.Timestamp, false),
        new("factors", ColumnType.FloatList, false),
    ];

    private static readonly DateTime At = new(2026, 11, 2, 13, 14, 15, 123, 456, DateTimeKind.Utc);

    private static readonly object?[][] Rows =
    [
        ["u1", "first", 1, 10, 1L << 40, 5L, 0.5f, 0.25, 1.5, true, new DateOnly(2026, 11, 1), At, new[] { 1f, 2f, 3f }],
        ["u2", null, -2, null, -7L, null, float.MaxValue, double.Epsilon, null, false, new DateOnly(1970, 1, 1), At.AddDays(-1), Array.Empty<float>()],
        ["u3", "", int.MaxValue, 0, long.MinValue, long.MaxValue, -0.0f, -1e300, double.NaN, true, new DateOnly(2099, 12, 31), new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc), new[] { float.NaN }],
    ];

    private TempRoot temp = null!;

    [SetUp]
    public void SetUp() => temp = new TempRoot();

    [TearDown]
    public void TearDown() => temp.Dispose();

    /// <summary>The rows above as one array per column, of the type the writer documents for it.</summary>
    private static Array[] Columns(object?[][] rows) =>
    [
        rows.Select(r => (string?)r[0]).ToArray(),
        rows.Select(r => (string?)r[1]).ToArray(),
        rows.Select(r => (int)r[2]!).ToArray(),
        rows.Select(r => (int?)r[3]).ToArray(),
        rows.Select(r => (long)r[4]!).ToArray(),
        rows.Select(r => (long?)r[5]).ToArray(),
        rows.Select(r => (float)r[6]!).ToArray(),
        rows.Select(r => (double)r[7]!).ToArray(),
        rows.Select(r => (double?)r[8]).ToArray(),
        rows.Select(r => (bool)r[9]!).ToArray(),
        rows.Select(r => (DateOnly)r[10]!).ToArray(),
        rows.Select(r => (DateTime)r[11]!).ToArray(),
        rows.Select(r => (float[])r[12]!).ToArray(),
    ];

    [Test]
    public async Task EveryPortableTypeRoundTrips()
    {
        var path = await TestTables.WriteAsync(temp.File("all.parquet"), AllTypes, Columns(Rows));

        var read = await TestTables.ReadAsync(path);

        Assert.That(read, Has.Count.EqualTo(Rows.Length));
        for (var r = 0; r < Rows.Length; r++)
            Assert.That(read[r], Is.EqualTo(Rows[r]), $"row {r}");
        Assert.That(read[1][1], Is.Null, "a null string stays null");
        Assert.That(read[2][1], Is.EqualTo(""), "an empty string is not null");
        Assert.That(read[1][12], Is.Empty, "an empty list stays empty");
        Assert.That(((DateTime)read[0][11]!).Kind, Is.EqualTo(DateTimeKind.Utc));
    }

    [Test]
    public async Task TheFileHasTheContractsPortableTypes()
    {
        var path = await TestTables.WriteAsync(temp.File("all.parquet"), AllTypes, Columns(Rows));

        Assert.That(await ParquetSchemas.ReadAsync(path), Is.EqualTo(AllTypes.Select(c => (c.Name, (ColumnType?)c.Type))));
    }

    [Test]
    public async Task DuckDbReadsTheFileWithTheSameTypesAndValues()
    {
        var path = await TestTables.WriteAsync(temp.File("all.parquet"), AllTypes, Columns(Rows));

        using var db = new DuckDbSession();
        db.CreateParquetView("t", [path]);
        var types = db.Query("select column_name, column_type from (describe t)").Select(r => $"{r[0]} {r[1]}");
        Assert.That(types, Is.EqualTo(new[]
        {
            "user_id VARCHAR", "note VARCHAR", "small INTEGER", "maybe_small INTEGER", "big BIGINT", "maybe_big BIGINT", "ratio FLOAT",
            "weight DOUBLE", "maybe_weight DOUBLE", "flag BOOLEAN", "day DATE", "at TIMESTAMP WITH TIME ZONE", "factors FLOAT[]",
        }));
        var row = db.Query("select note, maybe_big, cast(day as varchar), strftime(\"at\", '%Y-%m-%dT%H:%M:%S.%f'), len(factors), factors[2] from t where user_id = 'u1'").Single();
        Assert.That(row, Is.EqualTo(new object?[] { "first", 5L, "2026-11-01", "2026-11-02T13:14:15.123456", 3L, 2f }));
    }

    [Test]
    public async Task EachCallWritesARowGroupFromThePrefixOfPooledArrays()
    {
        var columns = new[] { new ColumnSpec("user_id", ColumnType.String, false), new ColumnSpec("plays", ColumnType.Int64, false) };
        var ids = new string?[8];
        var plays = new long[8];
        var path = temp.File("pooled.parquet");
        await using (var writer = await ParquetTableWriter.CreateAsync(path, columns))
        {
            for (var group = 0; group < 3; group++)
            {
                Array.Fill(ids, "stale");
                for (var i = 0; i <= group; i++)
                {
                    ids[i] = $"g{group}r{i}";
                    plays[i] = 10 * group + i;
                }
                await writer.WriteRowGroupAsync(group + 1, [ids, plays]);
            }
        }

        var rows = await TestTables.ReadAsync(path);

        Assert.That(rows.Select(r => $"{r[0]}={r[1]}"), Is.EqualTo(new[] { "g0r0=0", "g1r0=10", "g1r1=11", "g2r0=20", "g2r1=21", "g2r2=22" }));
        Assert.That(await ParquetRows.CountRowsAsync(path), Is.EqualTo(6));
    }

    [Test]
    public async Task AnEmptyFileHasTheSchema()
    {
        var path = await TestTables.WriteAsync(temp.File("empty.parquet"), AllTypes, Columns([]));

        Assert.That(await ParquetRows.CountRowsAsync(path), Is.Zero);
        Assert.That(await ParquetRows.ReadColumnNamesAsync(path), Is.EqualTo(AllTypes.Select(c => c.Name)));
    }

    /// <summary>The writer documents nullable arrays for float and boolean columns as it does for the other value types.</summary>
    [Test]
    public async Task NullableFloatAndBooleanColumnsRoundTrip()
    {
        var columns = new[] { new ColumnSpec("ratio", ColumnType.Float, true), new ColumnSpec("flag", ColumnType.Boolean, true) };

        var path = await TestTables.WriteAsync(temp.File("nullable.parquet"), columns, new float?[] { 0.5f, null }, new bool?[] { null, true });

        Assert.That(await TestTables.ReadAsync(path), Is.EqualTo(new[] { new object?[] { 0.5f, null }, new object?[] { null, true } }));
    }

    [Test]
    public async Task TooFewColumnArraysAreRejected()
    {
        var path = temp.File("bad.parquet");
        await using var writer = await ParquetTableWriter.CreateAsync(path, AllTypes);
        var e = (await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteRowGroupAsync(1, [new[] { "u1" }])))!;
        Assert.That(e.Message, Does.Contain($"1 column arrays given for {AllTypes.Length} columns"));
    }

    [Test]
    public async Task AShortColumnArrayIsRejectedByName()
    {
        var path = temp.File("bad.parquet");
        var columns = new[] { new ColumnSpec("user_id", ColumnType.String, false), new ColumnSpec("plays", ColumnType.Int64, false) };
        await using var writer = await ParquetTableWriter.CreateAsync(path, columns);
        var e = (await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteRowGroupAsync(2, [new[] { "u1", "u2" }, new[] { 1L }])))!;
        Assert.That(e.Message, Does.Contain("column 'plays' has 1 values for 2 rows"));
    }

    [Test]
    public async Task AnArrayOfTheWrongTypeIsRejectedByName()
    {
        var path = temp.File("bad.parquet");
        var columns = new[] { new ColumnSpec("user_id", ColumnType.String, false), new ColumnSpec("plays", ColumnType.Int64, false) };
        await using var writer = await ParquetTableWriter.CreateAsync(path, columns);
        var e = (await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteRowGroupAsync(1, [new[] { "u1" }, new[] { 1.5m }])))!;
        Assert.That(e.Message, Does.Contain("column 'plays' (int64) cannot be written from Decimal[]"));
    }
}
