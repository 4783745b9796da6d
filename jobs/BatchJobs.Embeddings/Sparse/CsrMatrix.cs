namespace BatchJobs.Embeddings.Sparse;

/// <summary>
/// An immutable sparse matrix in compressed sparse row form: the entries of row <c>r</c> are at positions
/// <c>RowOffsets[r] .. RowOffsets[r + 1]</c> of <see cref="ColumnIndices"/> and <see cref="Values"/>, with the
/// column indices of each row strictly increasing (sorted, no duplicates).
/// </summary>
/// <remarks>
/// Used for interaction matrices (users x items, and its transpose items x users). The arrays are owned by the
/// matrix once passed in; callers must not change them afterwards. Thread-safe for concurrent reads.
/// </remarks>
public sealed class CsrMatrix
{
    private readonly int[] _rowOffsets;
    private readonly int[] _columnIndices;
    private readonly float[] _values;

    /// <summary>
    /// Wraps existing CSR arrays after checking that they describe a valid matrix (offsets start at 0, never
    /// decrease and end at the number of entries; column indices are in range and strictly increasing per row).
    /// </summary>
    /// <exception cref="ArgumentException">The arrays are inconsistent; the message names the row at fault.</exception>
    public CsrMatrix(int rows, int columns, int[] rowOffsets, int[] columnIndices, float[] values)
        : this(rows, columns, rowOffsets, columnIndices, values, validate: true)
    {
    }

    // validate: false is for arrays built by this class (transpose, triples, value replacement), which are
    // valid by construction; re-checking them would cost an O(nnz) pass on every build.
    private CsrMatrix(int rows, int columns, int[] rowOffsets, int[] columnIndices, float[] values, bool validate)
    {
        if (validate) Validate(rows, columns, rowOffsets, columnIndices, values);
        Rows = rows;
        Columns = columns;
        _rowOffsets = rowOffsets;
        _columnIndices = columnIndices;
        _values = values;
    }

    private static void Validate(int rows, int columns, int[] rowOffsets, int[] columnIndices, float[] values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        ArgumentNullException.ThrowIfNull(rowOffsets);
        ArgumentNullException.ThrowIfNull(columnIndices);
        ArgumentNullException.ThrowIfNull(values);
        if (rowOffsets.Length != rows + 1)
            throw new ArgumentException($"rowOffsets has {rowOffsets.Length} entries but a matrix of {rows} rows needs {rows + 1}.", nameof(rowOffsets));
        if (columnIndices.Length != values.Length)
            throw new ArgumentException($"columnIndices has {columnIndices.Length} entries but values has {values.Length}; they must have one entry per non-zero.", nameof(values));
        if (rowOffsets[0] != 0 || rowOffsets[rows] != columnIndices.Length)
            throw new ArgumentException($"rowOffsets must start at 0 and end at the number of non-zeros ({columnIndices.Length}); found {rowOffsets[0]} and {rowOffsets[rows]}.", nameof(rowOffsets));
        for (var row = 0; row < rows; row++)
        {
            int start = rowOffsets[row], end = rowOffsets[row + 1];
            if (end < start)
                throw new ArgumentException($"rowOffsets decreases at row {row} ({start} then {end}).", nameof(rowOffsets));
            var previous = -1;
            for (var position = start; position < end; position++)
            {
                var column = columnIndices[position];
                if ((uint)column >= (uint)columns)
                    throw new ArgumentException($"Row {row} has column index {column}, outside 0..{columns - 1}.", nameof(columnIndices));
                if (column <= previous)
                    throw new ArgumentException($"Row {row} has column indices out of order or repeated ({previous} then {column}); sort each row and merge duplicates (FromTriples does both).", nameof(columnIndices));
                previous = column;
            }
        }
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns { get; }

    /// <summary>Number of stored entries.</summary>
    public int NonZeros => _columnIndices.Length;

    /// <summary>Row start positions, <see cref="Rows"/> + 1 entries.</summary>
    public ReadOnlySpan<int> RowOffsets => _rowOffsets;

    /// <summary>Column index of every stored entry, row by row.</summary>
    public ReadOnlySpan<int> ColumnIndices => _columnIndices;

    /// <summary>Value of every stored entry, row by row.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>Number of stored entries in <paramref name="row"/>.</summary>
    public int RowLength(int row) => _rowOffsets[row + 1] - _rowOffsets[row];

    /// <summary>The sorted column indices of <paramref name="row"/>.</summary>
    public ReadOnlySpan<int> RowIndices(int row) =>
        _columnIndices.AsSpan(_rowOffsets[row], _rowOffsets[row + 1] - _rowOffsets[row]);

    /// <summary>The values of <paramref name="row"/>, aligned with <see cref="RowIndices"/>.</summary>
    public ReadOnlySpan<float> RowValues(int row) =>
        _values.AsSpan(_rowOffsets[row], _rowOffsets[row + 1] - _rowOffsets[row]);

    /// <summary>
    /// Builds a matrix from (row, column, value) triples in any order. Duplicate (row, column) pairs are merged
    /// by adding their values, as interaction counts are.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length, or a triple is out of range (the message
    /// gives its position).</exception>
    public static CsrMatrix FromTriples(int rows, int columns, ReadOnlySpan<int> rowIndices, ReadOnlySpan<int> columnIndices, ReadOnlySpan<float> values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (rowIndices.Length != columnIndices.Length || rowIndices.Length != values.Length)
            throw new ArgumentException($"Triples need equal lengths; got {rowIndices.Length} rows, {columnIndices.Length} columns and {values.Length} values.");

        var counts = new int[rows + 1];
        for (var t = 0; t < rowIndices.Length; t++)
        {
            int row = rowIndices[t], column = columnIndices[t];
            if ((uint)row >= (uint)rows)
                throw new ArgumentException($"Triple {t} has row {row}, outside 0..{rows - 1}.", nameof(rowIndices));
            if ((uint)column >= (uint)columns)
                throw new ArgumentException($"Triple {t} has column {column}, outside 0..{columns - 1}.", nameof(columnIndices));
            counts[row + 1]++;
        }
        for (var row = 0; row < rows; row++) counts[row + 1] += counts[row];

        // Bucket by row, then sort each row by column and merge duplicates in place.
        var cursor = counts.AsSpan(0, rows).ToArray();
        var bucketColumns = new int[rowIndices.Length];
        var bucketValues = new float[rowIndices.Length];
        for (var t = 0; t < rowIndices.Length; t++)
        {
            var position = cursor[rowIndices[t]]++;
            bucketColumns[position] = columnIndices[t];
            bucketValues[position] = values[t];
        }

        var offsets = new int[rows + 1];
        var write = 0;
        for (var row = 0; row < rows; row++)
        {
            int start = counts[row], end = counts[row + 1];
            bucketColumns.AsSpan(start, end - start).Sort(bucketValues.AsSpan(start, end - start));
            for (var read = start; read < end; read++)
            {
                if (write > offsets[row] && bucketColumns[write - 1] == bucketColumns[read])
                {
                    bucketValues[write - 1] += bucketValues[read];
                    continue;
                }
                bucketColumns[write] = bucketColumns[read];
                bucketValues[write] = bucketValues[read];
                write++;
            }
            offsets[row + 1] = write;
        }
        if (write != bucketColumns.Length)
        {
            Array.Resize(ref bucketColumns, write);
            Array.Resize(ref bucketValues, write);
        }
        return new CsrMatrix(rows, columns, offsets, bucketColumns, bucketValues, validate: false);
    }

    /// <summary>The transpose (columns become rows), with each row's indices sorted.</summary>
    public CsrMatrix Transpose() => TransposeWithValues(_values);

    /// <summary>
    /// A matrix with this one's sparsity pattern and the given values (one per stored entry), sharing the index
    /// arrays instead of copying them.
    /// </summary>
    internal CsrMatrix WithValues(float[] values)
    {
        if (values.Length != NonZeros)
            throw new ArgumentException($"Expected {NonZeros} values, one per stored entry; got {values.Length}.", nameof(values));
        return new CsrMatrix(Rows, Columns, _rowOffsets, _columnIndices, values, validate: false);
    }

    /// <summary>The transpose of this sparsity pattern carrying <paramref name="values"/> (aligned with this
    /// matrix's entries) instead of this matrix's values.</summary>
    internal CsrMatrix TransposeWithValues(ReadOnlySpan<float> values)
    {
        var offsets = new int[Columns + 1];
        foreach (var column in _columnIndices) offsets[column + 1]++;
        for (var column = 0; column < Columns; column++) offsets[column + 1] += offsets[column];

        var cursor = offsets.AsSpan(0, Columns).ToArray();
        var indices = new int[NonZeros];
        var transposed = new float[NonZeros];
        // Walking rows in order leaves every transposed row sorted by the original row index.
        for (var row = 0; row < Rows; row++)
        {
            for (var position = _rowOffsets[row]; position < _rowOffsets[row + 1]; position++)
            {
                var target = cursor[_columnIndices[position]]++;
                indices[target] = row;
                transposed[target] = values[position];
            }
        }
        return new CsrMatrix(Columns, Rows, offsets, indices, transposed, validate: false);
    }
}
