namespace Vigil.Pipeline.History;

/// <summary>
/// How much verdict history is kept per series for charts and queries. Memory: 32 bytes per point (timestamp, and
/// value, score, expected, lower, upper as single-precision floats, plus kind), so a series scored every minute for
/// the default 24 h holds at most 1,440 points = 46 KB (10,000 such series: 460 MB); a series' buffer starts at 8
/// points and doubles as it fills, so short-lived series cost little. All series together stay within
/// <see cref="MaxBytes"/>: with many series each keeps fewer points (100k series at the 128 MiB default: 41 points each).
/// </summary>
public sealed record RecentHistoryOptions
{
    /// <summary>Points older than this (relative to the series' newest point) are dropped. Default 24 h; zero disables the buffer.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Hard cap per series, whatever the step: a 1 s step would otherwise keep 86,400 points. Default 1,440.</summary>
    public int MaxPointsPerSeries { get; init; } = 1440;

    /// <summary>Default <see cref="MaxBytes"/>: 128 MiB, a full day per series up to ~2,900 series at a one-minute step.</summary>
    public const long DefaultMaxBytes = 128L * 1024 * 1024;

    /// <summary>The floor of a series' share of <see cref="MaxBytes"/>: below it a chart is useless, so the budget gives way.</summary>
    public const int MinPointsPerSeries = 16;

    /// <summary>
    /// Memory budget of all series' history together (points × 32 bytes): each series keeps at most
    /// <c>MaxBytes / 32 / series</c> points (never more than <see cref="MaxPointsPerSeries"/>, never fewer than
    /// <see cref="MinPointsPerSeries"/>), so the history of 100k series cannot take the 4.6 GB a full day would. Default
    /// <see cref="DefaultMaxBytes"/> (128 MiB), which keeps a 100k-series instance under 1 GB with the default detector.
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
