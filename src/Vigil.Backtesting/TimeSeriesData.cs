namespace Vigil.Backtesting;

/// <summary>
/// One univariate series read from a file: timestamps in Unix milliseconds (UTC, strictly increasing;
/// non-decreasing when read with <see cref="TimeSeriesCsv.DuplicateTimestamps.Keep"/>) and the values
/// exactly as written (NaN for empty or unparseable-as-missing cells, ±Inf kept). <see cref="Skipped"/> lists the rows
/// that were left out (out of order, duplicate timestamp, unparseable), in file order.
/// </summary>
public sealed record TimeSeriesData(string Name, long[] TimestampsMs, double[] Values)
{
    public int Count => Values.Length;

    public IReadOnlyList<SkippedRow> Skipped { get; init; } = [];
}
