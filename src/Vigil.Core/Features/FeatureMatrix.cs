namespace Vigil.Core.Features;

/// <summary>
/// Rows of feature vectors stored row-major in one array, so a forest walks one row's features from a single
/// cache line and a 100k × 8 training set is one allocation.
/// </summary>
public sealed class FeatureMatrix
{
    private readonly double[] _data;

    public FeatureMatrix(int rows, int columns)
        : this(new double[checked(rows * columns)], rows, columns)
    {
    }

    /// <summary>Wraps <paramref name="data"/> (row-major, length rows × columns) without copying.</summary>
    public FeatureMatrix(double[] data, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (data.Length != (long)rows * columns)
        {
            throw new ArgumentException($"Expected {rows} × {columns} values, got {data.Length}.", nameof(data));
        }

        _data = data;
        Rows = rows;
        Columns = columns;
    }

    public int Rows { get; }

    public int Columns { get; }

    public ReadOnlySpan<double> Row(int row) => _data.AsSpan(row * Columns, Columns);

    public Span<double> MutableRow(int row) => _data.AsSpan(row * Columns, Columns);

    public double this[int row, int column] => _data[(row * Columns) + column];

    /// <summary>The backing array, row-major.</summary>
    public ReadOnlySpan<double> AsSpan() => _data;

    /// <summary>Rows [start, start + count) as a new matrix (copied).</summary>
    public FeatureMatrix Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Rows);
        return new FeatureMatrix(_data.AsSpan(start * Columns, count * Columns).ToArray(), count, Columns);
    }

    public static FeatureMatrix FromRows(IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            throw new ArgumentException("At least one row is required.", nameof(rows));
        }

        var columns = rows[0].Length;
        var matrix = new FeatureMatrix(rows.Count, columns);
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != columns)
            {
                throw new ArgumentException($"Row {i} has {rows[i].Length} values, expected {columns}.", nameof(rows));
            }

            rows[i].CopyTo(matrix.MutableRow(i));
        }

        return matrix;
    }
}
