using System.Globalization;
using CsvHelper;
using Parquet;
using Parquet.Schema;

namespace BatchJobs.Generation.Tests.Support;

/// <summary>Reads generated files back with the libraries an ingest would use (CsvHelper, Parquet.Net).</summary>
public static class RawEventFiles
{
    private static readonly CsvReaderOptions Options = CsvReaderOptions.Default with { Separator = ',', AllowLineBreaksInQuotes = false };

    /// <summary>The header and data rows of a CSV file.</summary>
    public static (string[] Header, List<string[]> Rows) ReadCsv(string path)
    {
        using var reader = CsvReader.Create(File.OpenRead(path), Options, leaveOpen: false);
        string[] header = reader.Headers.ToArray();
        var rows = new List<string[]>();
        while (reader.Read())
        {
            var fields = new string[reader.FieldCount];
            for (int i = 0; i < fields.Length; i++)
            {
                fields[i] = reader.GetString(i);
            }

            rows.Add(fields);
        }

        return (header, rows);
    }

    /// <summary>Event rows of one part file, CSV or Parquet.</summary>
    public static List<RawRow> ReadEvents(string path) =>
        path.EndsWith(".parquet", StringComparison.Ordinal) ? ReadParquetEvents(path) : ReadCsvEvents(path);

    private static List<RawRow> ReadCsvEvents(string path)
    {
        var (header, rows) = ReadCsv(path);
        Assert.That(header, Is.EqualTo(RawLayout.EventColumns), path);
        return rows.Select((fields, i) => new RawRow(path, i + 1, fields)).ToList();
    }

    private static List<RawRow> ReadParquetEvents(string path)
    {
        var result = new List<RawRow>();
        using var task = ReadParquetAsync(path, result);
        task.GetAwaiter().GetResult();
        return result;
    }

    private static async Task ReadParquetAsync(string path, List<RawRow> result)
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        DataField[] fields = reader.Schema.DataFields;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int n = (int)group.RowCount;
            var users = new string?[n];
            var tracks = new string?[n];
            var ts = new DateTime[n];
            var ms = new long[n];
            var contexts = new string?[n];
            var platforms = new string?[n];
            await group.ReadAsync(fields[0], users.AsMemory());
            await group.ReadAsync(fields[1], tracks.AsMemory());
            await group.ReadAsync<DateTime>(fields[2], ts.AsMemory());
            await group.ReadAsync<long>(fields[3], ms.AsMemory());
            await group.ReadAsync(fields[4], contexts.AsMemory());
            await group.ReadAsync(fields[5], platforms.AsMemory());
            for (int i = 0; i < n; i++)
            {
                result.Add(new RawRow(path, result.Count + 1,
                [
                    users[i] ?? "",
                    tracks[i] ?? "",
                    ts[i].ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                    ms[i].ToString(CultureInfo.InvariantCulture),
                    contexts[i] ?? "",
                    platforms[i] ?? "",
                ]));
            }
        }
    }
}
