using System.Text;
using BatchJobs.Core.Jobs;
using CsvHelper;

namespace BatchJobs.Jobs.Ingest;

/// <summary>The outcome of validating one raw file: accepted events (batches in file order) and rejected rows.</summary>
public sealed class ValidatedFile(string sourceFile)
{
    public string SourceFile { get; } = sourceFile;
    public List<EventBatch> Accepted { get; } = [];
    public List<RejectedRow> Rejected { get; } = [];
    public long AcceptedRows => Accepted.Sum(b => (long)b.Count);
    public long InputRows => AcceptedRows + Rejected.Count;
}

/// <summary>
/// Reads one raw listening-event file (CSV with a header, or Parquet) and validates every row; each row ends up
/// accepted or rejected with its line number (CSV: the physical line; Parquet: the 1-based row).
/// </summary>
public static class RawEventFileReader
{
    public static Task<ValidatedFile> ReadAsync(string path, string sourceName, ListeningEventValidator validator, CancellationToken cancellationToken) =>
        Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => Task.Run(() => ReadCsv(path, sourceName, validator, cancellationToken), cancellationToken),
            ".parquet" => Task.Run(() => ParquetEventFileReader.ReadAsync(path, sourceName, validator, cancellationToken), cancellationToken),
            var other => throw new BadInputException($"{path}: '{other}' files are not raw listening events; the folder may hold only .csv and .parquet files"),
        };

    /// <summary>
    /// Validates a CSV file on all cores: records never span lines (line breaks inside quotes are refused), so the
    /// body splits at line breaks into chunks that are parsed independently and merged back in file order.
    /// </summary>
    private static ValidatedFile ReadCsv(string path, string sourceName, ListeningEventValidator validator, CancellationToken cancellationToken)
    {
        var bytes = File.ReadAllBytes(path);
        var headerEnd = Array.IndexOf(bytes, (byte)'\n');
        var header = Encoding.UTF8.GetString(bytes, 0, headerEnd < 0 ? bytes.Length : headerEnd).TrimEnd('\r').TrimStart('\uFEFF');
        if (header != string.Join(",", ListeningEventValidator.Header))
            throw new BadInputException($"{path}: line 1: the header is '{header}', expected '{string.Join(",", ListeningEventValidator.Header)}'; fix the export or its column order");
        var result = new ValidatedFile(sourceName);
        if (headerEnd < 0) return result;

        var chunks = SplitAtLineBreaks(bytes, headerEnd + 1, Environment.ProcessorCount * 4);
        var parts = new ValidatedFile[chunks.Count];
        Parallel.For(0, chunks.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var (start, length, firstLine) = chunks[i];
            parts[i] = ReadCsvChunk(bytes.AsMemory(start, length), firstLine, sourceName, i == 0 ? validator : validator.Clone(), cancellationToken);
        });
        foreach (var part in parts)
        {
            result.Accepted.AddRange(part.Accepted);
            result.Rejected.AddRange(part.Rejected);
        }
        return result;
    }

    private static ValidatedFile ReadCsvChunk(ReadOnlyMemory<byte> chunk, long firstLine, string sourceName, ListeningEventValidator validator, CancellationToken cancellationToken)
    {
        var result = new ValidatedFile(sourceName);
        // About 60 bytes a row in the usual export; the batch grows if rows are shorter.
        var accepted = new EventBatch(chunk.Length / 48);
        result.Accepted.Add(accepted);
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = false,
            TrackLineNumbers = true,
            // A stray quote must not swallow the lines after it: every line break ends a record.
            AllowLineBreaksInQuotes = false,
            MalformedData = CsvMalformedDataHandling.Skip,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            OnMalformedRecord = malformed => result.Rejected.Add(new RejectedRow(sourceName, firstLine + malformed.LineNumber - 1, "(record)",
                $"malformed CSV quoting ({malformed.Reason})", malformed.RawRecord)),
        };
        using var csv = CsvReader.Create(chunk, options);
        while (csv.Read())
        {
            if ((csv.RowNumber & 0xFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
            if (!validator.TryValidate(csv, accepted, out var rejection))
                result.Rejected.Add(new RejectedRow(sourceName, firstLine + csv.LineNumber - 1, rejection.Field, rejection.Reason, Encoding.UTF8.GetString(csv.RawRecord)));
        }
        return result;
    }

    /// <summary>Splits <c>bytes[start..]</c> into about <paramref name="count"/> chunks that end at line breaks, with the line number each starts on.</summary>
    private static List<(int Start, int Length, long FirstLine)> SplitAtLineBreaks(byte[] bytes, int start, int count)
    {
        var chunks = new List<(int, int, long)>();
        var target = Math.Max(1 << 20, (bytes.Length - start) / count);
        long line = 2; // the header is line 1
        while (start < bytes.Length)
        {
            var end = Math.Min(bytes.Length, start + target);
            if (end < bytes.Length)
            {
                var newline = Array.IndexOf(bytes, (byte)'\n', end);
                end = newline < 0 ? bytes.Length : newline + 1;
            }
            chunks.Add((start, end - start, line));
            line += bytes.AsSpan(start, end - start).Count((byte)'\n');
            start = end;
        }
        return chunks;
    }
}
