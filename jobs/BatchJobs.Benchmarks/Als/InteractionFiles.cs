using System.Globalization;
using BatchJobs.Embeddings.Sparse;
using CsvHelper;
using Parquet;
using Parquet.Schema;

namespace BatchJobs.Benchmarks.Als;

/// <summary>
/// Reads (user, item, value) triples from CSV/TSV or Parquet files and maps the user and item ids (strings or
/// numbers) to dense indices shared by every file read through the same instance, so a train and a test file
/// index the same users and items.
/// </summary>
/// <remarks>
/// CSV: a header row, then user, item, value in the first three columns; the delimiter (comma, tab,
/// semicolon...) is detected. Parquet: columns named user, item and value if present, otherwise the first three
/// columns; ids of any integer or string type, values of any numeric type. Repeated pairs are summed.
/// </remarks>
public sealed class InteractionFiles
{
    private readonly Dictionary<string, int> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _items = new(StringComparer.Ordinal);

    /// <summary>Distinct users seen so far.</summary>
    public int Users => _users.Count;

    /// <summary>Distinct items seen so far.</summary>
    public int Items => _items.Count;

    /// <summary>Reads every triple of <paramref name="path"/> (by extension: .parquet, anything else is CSV).</summary>
    public async Task<Triples> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Interaction file {path} does not exist.", path);
        var triples = new Triples();
        if (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)) await ReadParquetAsync(path, triples, cancellationToken);
        else ReadCsv(path, triples);
        if (triples.Count == 0) throw new InvalidDataException($"{path} holds no interactions.");
        return triples;
    }

    /// <summary>Builds a users x items matrix over every id seen so far (so matrices from several files agree).</summary>
    public CsrMatrix ToMatrix(Triples triples) =>
        CsrMatrix.FromTriples(Users, Items, triples.UserIndices, triples.ItemIndices, triples.Values);

    private void ReadCsv(string path, Triples triples)
    {
        // Default options: a header row, the separator detected from the first lines, invariant numbers.
        using var csv = CsvReader.Create(File.OpenRead(path), CsvReaderOptions.Default, leaveOpen: false);
        while (csv.Read())
        {
            var row = csv.RowNumber;
            if (csv.FieldCount < 3) throw new InvalidDataException($"{path} data row {row}: expected at least 3 fields (user, item, value), found {csv.FieldCount}.");
            var valueText = csv.GetString(2);
            if (!float.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                throw new InvalidDataException($"{path} data row {row}, field 3 (value): '{valueText}' is not a number.");
            Add(triples, csv.GetString(0), csv.GetString(1), value, path, row);
        }
    }

    private async Task ReadParquetAsync(string path, Triples triples, CancellationToken cancellationToken)
    {
        await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken);
        var fields = reader.Schema.GetDataFields();
        if (fields.Length < 3) throw new InvalidDataException($"{path} has {fields.Length} columns; expected user, item, value.");
        var userField = Find(fields, "user") ?? fields[0];
        var itemField = Find(fields, "item") ?? fields[1];
        var valueField = Find(fields, "value") ?? fields[2];
        long rowBase = 0;
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            using var rowGroup = reader.OpenRowGroupReader(group);
            var rows = checked((int)rowGroup.RowCount);
            var users = await ReadIdsAsync(rowGroup, userField, rows, path, cancellationToken);
            var items = await ReadIdsAsync(rowGroup, itemField, rows, path, cancellationToken);
            var values = await ReadValuesAsync(rowGroup, valueField, rows, path, cancellationToken);
            for (var row = 0; row < rows; row++)
            {
                var line = rowBase + row + 1;
                Add(triples,
                    users[row] ?? throw new InvalidDataException($"{path} row {line}, column {userField.Name}: user id is null."),
                    items[row] ?? throw new InvalidDataException($"{path} row {line}, column {itemField.Name}: item id is null."),
                    (float)(values[row] ?? throw new InvalidDataException($"{path} row {line}, column {valueField.Name}: value is null.")),
                    path, line);
            }
            rowBase += rows;
        }
    }

    private static DataField? Find(DataField[] fields, string name) =>
        fields.FirstOrDefault(field => string.Equals(field.Name, name, StringComparison.OrdinalIgnoreCase));

    // Ids are dictionary keys, so integer ids become their invariant decimal text, as they read from CSV.
    private static async Task<string?[]> ReadIdsAsync(ParquetRowGroupReader rowGroup, DataField field, int rows, string path, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        // Parquet.Net 6 reports string columns as ReadOnlyMemory<char>; both read into strings.
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            var strings = new string?[rows];
            await rowGroup.ReadAsync(field, strings.AsMemory(), cancellationToken: cancellationToken);
            return strings;
        }
        if (type == typeof(int)) return Array.ConvertAll(await ReadNumbersAsync<int>(rowGroup, field, rows, cancellationToken), id => id?.ToString(CultureInfo.InvariantCulture));
        if (type == typeof(long)) return Array.ConvertAll(await ReadNumbersAsync<long>(rowGroup, field, rows, cancellationToken), id => id?.ToString(CultureInfo.InvariantCulture));
        throw new InvalidDataException($"{path} column {field.Name} has type {type.Name}; ids must be string, int32 or int64.");
    }

    private static async Task<double?[]> ReadValuesAsync(ParquetRowGroupReader rowGroup, DataField field, int rows, string path, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        if (type == typeof(float)) return Array.ConvertAll(await ReadNumbersAsync<float>(rowGroup, field, rows, cancellationToken), v => (double?)v);
        if (type == typeof(double)) return await ReadNumbersAsync<double>(rowGroup, field, rows, cancellationToken);
        if (type == typeof(int)) return Array.ConvertAll(await ReadNumbersAsync<int>(rowGroup, field, rows, cancellationToken), v => (double?)v);
        if (type == typeof(long)) return Array.ConvertAll(await ReadNumbersAsync<long>(rowGroup, field, rows, cancellationToken), v => (double?)v);
        throw new InvalidDataException($"{path} column {field.Name} has type {type.Name}; values must be float, double, int32 or int64.");
    }

    private static async Task<T?[]> ReadNumbersAsync<T>(ParquetRowGroupReader rowGroup, DataField field, int rows, CancellationToken cancellationToken)
        where T : struct
    {
        var values = new T?[rows];
        if (field.IsNullable)
        {
            await rowGroup.ReadAsync(field, values.AsMemory(), cancellationToken: cancellationToken);
            return values;
        }
        var plain = new T[rows];
        await rowGroup.ReadAsync(field, plain.AsMemory(), cancellationToken: cancellationToken);
        for (var row = 0; row < rows; row++) values[row] = plain[row];
        return values;
    }

    private void Add(Triples triples, string user, string item, float value, string path, long row)
    {
        if (!(value > 0f) || !float.IsFinite(value))
            throw new InvalidDataException($"{path} row {row}: value {value} must be positive and finite (leave unobserved pairs out).");
        triples.Add(Index(_users, user), Index(_items, item), value);
    }

    private static int Index(Dictionary<string, int> ids, string id)
    {
        if (!ids.TryGetValue(id, out var index))
        {
            index = ids.Count;
            ids.Add(id, index);
        }
        return index;
    }

    /// <summary>Growable (user index, item index, value) columns.</summary>
    public sealed class Triples
    {
        private readonly List<int> _users = [];
        private readonly List<int> _items = [];
        private readonly List<float> _values = [];

        /// <summary>Number of triples.</summary>
        public int Count => _users.Count;

        /// <summary>User index of each triple.</summary>
        public ReadOnlySpan<int> UserIndices => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_users);

        /// <summary>Item index of each triple.</summary>
        public ReadOnlySpan<int> ItemIndices => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_items);

        /// <summary>Value of each triple.</summary>
        public ReadOnlySpan<float> Values => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_values);

        /// <summary>Appends one triple.</summary>
        public void Add(int user, int item, float value)
        {
            _users.Add(user);
            _items.Add(item);
            _values.Add(value);
        }
    }
}
