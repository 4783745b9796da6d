using BatchJobs.Core.Contracts;
using BatchJobs.Core.Tables;

namespace BatchJobs.Core.Tests.Support;

/// <summary>Writes and reads whole Parquet files through Core's own table writer and reader.</summary>
public static class TestTables
{
    /// <summary>Writes one row group; <paramref name="data"/> holds one array per column of <paramref name="columns"/>.</summary>
    public static async Task<string> WriteAsync(string path, IReadOnlyList<ColumnSpec> columns, params Array[] data)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var writer = await ParquetTableWriter.CreateAsync(path, columns);
        await writer.WriteRowGroupAsync(data.Length == 0 ? 0 : data[0].Length, data);
        return path;
    }

    public static async Task<List<object?[]>> ReadAsync(string path)
    {
        var rows = new List<object?[]>();
        await foreach (var row in ParquetRows.ReadAsync(path)) rows.Add(row);
        return rows;
    }
}
