namespace Vigil.Pipeline.History;

/// <summary>
/// How much verdict history is kept per series for charts and queries. Memory: 24 bytes per point (value, score,
/// expected, lower, upper as single-precision floats, and the timestamp and kind in 32 bits), so a series scored every
/// minute for the default 24 h holds at most 1,440 points = 34 KB (10,000 such series: 346 MB); a series' buffer starts
/// at 8 points and grows to its share as it fills, so short-lived series cost little. All series together stay within
/// <see cref="MaxBytes"/>: with many series each keeps fewer points (100k series at the 96 MiB default: 41 points each).
/// </summary>
public sealed record RecentHistoryOptions
{
    /// <summary>Points older than this (relative to the series' newest point) are dropped. Default 24 h; zero disables the buffer.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Hard cap per series, whatever the step: a 1 s step would otherwise keep 86,400 points. Default 1,440.</summary>
    public int MaxPointsPerSeries { get; init; } = 1440;

    /// <summary>
    /// Default <see cref="MaxBytes"/>: 96 MiB, a full day per series up to ~2,900 series at a one-minute step. It was
    /// 128 MiB of 32-byte points until scale8: the same points at every series count, in three quarters of the memory.
    /// </summary>
    public const long DefaultMaxBytes = 96L * 1024 * 1024;

    /// <summary>The floor of a series' share of <see cref="MaxBytes"/>: below it a chart is useless, so the budget gives way.</summary>
    public const int MinPointsPerSeries = 16;

    /// <summary>
    /// Memory budget of all series' history together (points × <see cref="HistoryPoint.Bytes"/>, 24): each series keeps at
    /// most <c>MaxBytes / 24 / series</c> points (never more than <see cref="MaxPointsPerSeries"/>, never fewer than
    /// <see cref="MinPointsPerSeries"/>), so the history of 100k series cannot take the 3.5 GB a full day would. Default
    /// <see cref="DefaultMaxBytes"/> (96 MiB).
    /// </summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Retention < TimeSpan.Zero)
        {
            errors.Add($"history.retention: must not be negative (got {Retention})");
        }

        if (MaxPointsPerSeries < 1)
        {
            errors.Add($"history.max_points_per_series: must be at least 1 (got {MaxPointsPerSeries})");
        }

        if (MaxBytes < HistoryPoint.Bytes * MinPointsPerSeries)
        {
            errors.Add($"history.max_bytes: must be at least {HistoryPoint.Bytes * MinPointsPerSeries} bytes ({MinPointsPerSeries} points of {HistoryPoint.Bytes} bytes) (got {MaxBytes})");
        }

        return errors;
    }
}
