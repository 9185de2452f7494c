namespace Vigil.Pipeline.History;

/// <summary>
/// How much verdict history is kept per series for charts and queries. Memory: 32 bytes per point (timestamp, and
/// value, score, expected, lower, upper as single-precision floats, plus kind), so a series scored every minute for
/// the default 24 h holds at most 1,440 points = 46 KB (10,000 such series: 460 MB); a series' buffer starts at 64
/// points and doubles as it fills, so short-lived series cost little.
/// </summary>
public sealed record RecentHistoryOptions
{
    /// <summary>Points older than this (relative to the series' newest point) are dropped. Default 24 h; zero disables the buffer.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Hard cap per series, whatever the step: a 1 s step would otherwise keep 86,400 points. Default 1,440.</summary>
    public int MaxPointsPerSeries { get; init; } = 1440;

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

        return errors;
    }
}
