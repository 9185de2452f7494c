using System.Globalization;
using Vigil.Alerting;
using Vigil.Core.Series;
using Vigil.Core.Sources;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Inspection.Sensors;

/// <summary>How much a trend's fit can be trusted: from R² and the number of points (thresholds in <see cref="TrendSensorOptions"/>).</summary>
public enum TrendConfidence
{
    Low,
    Medium,
    High,
}

/// <summary>
/// The trend sensor: a least-squares line over <see cref="TrendSensorOptions.Lookback"/> of every series a monitored
/// query returns, anchored at the round's time aligned down to the step (see docs/inspection.md for how that matches
/// <c>predict_linear</c>). It reports a predicted threshold crossing within the horizon, with the earliest and latest
/// crossing from the 95 % band of the fitted line, at high or medium confidence only. It stays silent when the slope
/// points away from the threshold or the value is already past it (then it is the baseline sensor's job).
/// </summary>
internal sealed class TrendSensor(IMetricSource source, InspectionOptions options, VigilMetrics metrics) : IInspectionSensor
{
    public const string SensorName = "trend";
    public const string AlertName = "VigilTrendBreachPredicted";

    private readonly TrendSensorOptions _options = options.Trend;

    public string Name => SensorName;

    public bool Enabled => _options.Enabled;

    public TimeSpan Timeout => _options.Timeout;

    public async Task<SensorResult> InspectAsync(InspectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var end = AlignDown(context.Now, _options.Step);
        var findings = new List<Finding>();
        var errors = new List<string>();
        var inspected = 0;
        foreach (var metric in options.Monitored)
        {
            SeriesBatch batch;
            try
            {
                batch = await source.QueryRangeAsync(metric.Promql, end - _options.Lookback, end, _options.Step, cancellationToken).ConfigureAwait(false);
            }
            catch (MetricSourceException ex)
            {
                metrics.CountError(ex.ErrorType);
                errors.Add($"{SensorName}: {metric.Name}: {ex.ErrorType}: {ex.Message}");
                continue;
            }

            // Every series the query returns, not only the first.
            for (var s = 0; s < batch.SeriesCount; s++)
            {
                inspected++;
                if (Evaluate(metric, batch.GetLabels(s), batch.GetTimestamps(s), batch.GetValues(s), end) is { } finding)
                {
                    findings.Add(finding);
                }
            }
        }

        return new SensorResult(findings, inspected, errors);
    }

    /// <summary>The finding for one series, or null (too few points, low confidence, pointing away, already crossed, beyond the horizon).</summary>
    internal Finding? Evaluate(MonitoredMetric metric, Labels series, ReadOnlySpan<long> timestamps, ReadOnlySpan<double> values, DateTimeOffset anchor)
    {
        var anchorMs = anchor.ToUnixTimeMilliseconds();
        if (LinearFit.Fit(timestamps, values, anchorMs) is not { } fit)
        {
            return null;
        }

        var current = LastFinite(values);
        var above = metric.EffectiveDirection == ThresholdDirection.Above;
        var threshold = metric.Threshold;
        if (above ? current >= threshold || fit.Slope <= 0 : current <= threshold || fit.Slope >= 0)
        {
            return null;
        }

        var confidence = Confidence(fit);
        var horizon = _options.Horizon.TotalSeconds;
        if (confidence == TrendConfidence.Low || LinearFit.FirstCrossing(fit.At, threshold, above, horizon) is not { } crossing)
        {
            return null;
        }

        // The edge of the band nearer the threshold crosses first; the far edge last (null: not within the horizon).
        var sign = above ? 1 : -1;
        var earliest = LinearFit.FirstCrossing(x => fit.At(x) + (sign * fit.HalfBand(x)), threshold, above, horizon) ?? crossing;
        var latest = LinearFit.FirstCrossing(x => fit.At(x) - (sign * fit.HalfBand(x)), threshold, above, horizon);
        var labels = Finding.SeriesLabels(metric, series);
        var hours = crossing / 3600;
        var what = string.IsNullOrEmpty(metric.Description) ? metric.Name : metric.Description;
        var numbers = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["current"] = current,
            ["threshold"] = threshold,
            ["slope_per_hour"] = fit.SlopePerHour,
            ["intercept"] = fit.Intercept,
            ["r2"] = fit.R2,
            ["n"] = fit.N,
            ["predicted_at_horizon"] = fit.At(horizon),
            ["hours_to_breach"] = hours,
            ["earliest_hours"] = earliest / 3600,
        };
        if (latest is { } l)
        {
            numbers["latest_hours"] = l / 3600;
        }

        return new Finding
        {
            Sensor = SensorName,
            AlertName = AlertName,
            Subject = metric.Name,
            Labels = labels,
            Severity = AlertSeverity.Warning,
            Summary = string.Create(CultureInfo.InvariantCulture, $"{what} is predicted to cross {threshold:G6} in {hours:0.0} h"),
            Description = string.Create(
                CultureInfo.InvariantCulture,
                $"{what} {Series(series)}: current {current:G6}, threshold {threshold:G6} ({(above ? "above" : "below")} is bad), slope {fit.SlopePerHour:+0.######;-0.######}/h, R² {fit.R2:0.00} over {fit.N} points; crossing in {hours:0.0} h (earliest {earliest / 3600:0.0} h, latest {(latest is { } x ? (x / 3600).ToString("0.0", CultureInfo.InvariantCulture) + " h" : "beyond the horizon")}), {confidence.ToString().ToLowerInvariant()} confidence"),
            Value = current,
            Numbers = numbers,
            Facts = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["confidence"] = confidence.ToString().ToLowerInvariant(),
                ["direction"] = above ? "above" : "below",
                ["anchor"] = anchor.ToString("O", CultureInfo.InvariantCulture),
            },
        };
    }

    internal TrendConfidence Confidence(LinearFit fit)
        => fit.R2 >= _options.HighR2 && fit.N >= _options.HighMinPoints ? TrendConfidence.High
        : fit.R2 >= _options.MediumR2 && fit.N >= _options.MediumMinPoints ? TrendConfidence.Medium
        : TrendConfidence.Low;

    internal static DateTimeOffset AlignDown(DateTimeOffset time, TimeSpan step)
        => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds() - (time.ToUnixTimeMilliseconds() % (long)step.TotalMilliseconds));

    internal static string Series(Labels series) => series.ToString();

    private static double LastFinite(ReadOnlySpan<double> values)
    {
        for (var i = values.Length - 1; i >= 0; i--)
        {
            if (double.IsFinite(values[i]))
            {
                return values[i];
            }
        }

        return double.NaN;
    }
}
