namespace Vigil.Charts.Rendering;

/// <summary>
/// One point of a chart: the observed value and, when the detector produced them, its expected value and band
/// (<see cref="double.NaN"/> otherwise, e.g. during warm-up).
/// </summary>
public readonly record struct ChartPoint(long TimestampMs, double Value, double Expected = double.NaN, double Lower = double.NaN, double Upper = double.NaN);

/// <summary>A point drawn as a red anomaly marker.</summary>
public readonly record struct ChartMarker(long TimestampMs, double Value);

/// <summary>What a chart shows: a title, the series (oldest first) and its anomalies.</summary>
public sealed record ChartData
{
    public required string Title { get; init; }

    /// <summary>Legend entry of the value line, e.g. the series' labels.</summary>
    public string ValueName { get; init; } = "value";

    public required IReadOnlyList<ChartPoint> Points { get; init; }

    public IReadOnlyList<ChartMarker> Anomalies { get; init; } = [];

    /// <summary>
    /// A chart from scored points: a point is an anomaly when its score is above 1, the edge of the band (the score
    /// contract of docs/metrics.md), so the markers are exactly what <c>vigil_anomaly_score &gt; 1</c> alerts on.
    /// </summary>
    public static ChartData FromScored(string title, string valueName, IReadOnlyList<ScoredChartPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var chart = new ChartPoint[points.Count];
        var anomalies = new List<ChartMarker>();
        for (var i = 0; i < points.Count; i++)
        {
            var p = points[i];
            chart[i] = new ChartPoint(p.TimestampMs, p.Value, p.Expected, p.Lower, p.Upper);
            if (p.Score > 1)
            {
                anomalies.Add(new ChartMarker(p.TimestampMs, p.Value));
            }
        }

        return new ChartData { Title = title, ValueName = valueName, Points = chart, Anomalies = anomalies };
    }
}

/// <summary>A scored point (value, band, score) from the recent history, a re-scored range or the business-metrics table.</summary>
public readonly record struct ScoredChartPoint(long TimestampMs, double Value, double Expected, double Lower, double Upper, double Score);
