namespace Vigil.Backtesting;

/// <summary>
/// One univariate series read from a file: timestamps in Unix milliseconds (UTC, non-decreasing) and the values
/// exactly as written (NaN for empty or unparseable-as-missing cells, ±Inf kept).
/// </summary>
public sealed record TimeSeriesData(string Name, long[] TimestampsMs, double[] Values)
{
    public int Count => Values.Length;
}
