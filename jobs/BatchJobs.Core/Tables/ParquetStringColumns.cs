using Parquet;

namespace BatchJobs.Core.Tables;

/// <summary>Streams chosen string columns of Parquet files, one row group at a time, for jobs that join on ids.</summary>
public static class ParquetStringColumns
{
    /// <summary>
    /// Calls <paramref name="onRowGroup"/> for every row group of every file (in order) with the values of
    /// <paramref name="columns"/>, one array per column, and the row count.
    /// </summary>
    /// <exception cref="InvalidDataException">A file lacks one of the columns.</exception>
    public static async Task ForEachRowGroupAsync(IReadOnlyList<string> files, IReadOnlyList<string> columns, Action<string?[][], int> onRowGroup,
        CancellationToken cancellationToken)
    {
        foreach (var file in files)
        {
            await using var reader = await ParquetReader.CreateAsync(file, cancellationToken: cancellationToken);
            var fields = columns.Select(name => reader.Schema.DataFields.FirstOrDefault(f => f.Name == name)
                ?? throw new InvalidDataException($"{file}: has no column '{name}'")).ToArray();
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                var group = reader.OpenRowGroupReader(g);
                var rows = checked((int)group.RowCount);
                var values = new string?[fields.Length][];
                for (var c = 0; c < fields.Length; c++)
                {
                    values[c] = new string?[rows];
                    await group.ReadAsync(fields[c], values[c].AsMemory(), cancellationToken: cancellationToken);
                }
                onRowGroup(values, rows);
            }
        }
    }
}
