using System.Globalization;
using Vigil.Alerting;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Core.Sources;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Inspection.Sensors;

/// <summary>
/// The baseline sensor: every series a monitored query returns is run through its baseline (a Vigil.Core detector under
/// the score contract), and the latest point is judged by its deviation from the detector's expectation in the
/// detector's own σ (<see cref="Verdict.Sigma"/>): warning at ≥ <see cref="BaselineSensorOptions.WarningSigma"/>,
/// critical at ≥ <see cref="BaselineSensorOptions.CriticalSigma"/>. A series the detector still warms up is inspected
/// but not judged.
/// </summary>
internal sealed class BaselineSensor(IMetricSource source, InspectionOptions options, BaselineModels models, VigilMetrics metrics) : IInspectionSensor
{
    public const string SensorName = "baseline";
    public const string AlertName = "VigilBaselineDeviation";

    private readonly BaselineSensorOptions _options = options.Baseline;

    public string Name => SensorName;

    public bool Enabled => _options.Enabled;

    public TimeSpan Timeout => _options.Timeout;

    public async Task<SensorResult> InspectAsync(InspectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var end = TrendSensor.AlignDown(context.Now, models.Step);
        var findings = new List<Finding>();
        var errors = new List<string>();
        var inspected = 0;
        foreach (var metric in options.Monitored)
        {
            // Only the points the baselines have not seen: the full history on the first round.
            var start = end - models.History;
            if (models.OldestLast(metric.Name) is { } last && last > start.ToUnixTimeMilliseconds())
            {
                start = DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(last + (long)models.Step.TotalMilliseconds, end.ToUnixTimeMilliseconds()));
            }

            SeriesBatch batch;
            try
            {
                batch = await source.QueryRangeAsync(metric.Promql, start, end, models.Step, cancellationToken).ConfigureAwait(false);
            }
            catch (MetricSourceException ex)
            {
                metrics.CountError(ex.ErrorType);
                errors.Add($"{SensorName}: {metric.Name}: {ex.ErrorType}: {ex.Message}");
                continue;
            }

            for (var s = 0; s < batch.SeriesCount; s++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                inspected++;
                var series = batch.GetLabels(s);
                var model = models.GetOrCreate(metric.Name, series);
                Verdict verdict;
                double value;
                lock (model.Gate)
                {
                    model.Observe(batch.GetTimestamps(s), batch.GetValues(s));
                    (verdict, value) = (model.LastVerdict, model.LastValue);
                }

                if (Judge(metric, series, verdict, value) is { } finding)
                {
                    findings.Add(finding);
                }
            }
        }

        return new SensorResult(findings, inspected, errors);
    }

    /// <summary>The finding for a series' latest verdict, or null (not scored, no σ, inside the thresholds, or on the silenced side).</summary>
    internal Finding? Judge(MonitoredMetric metric, Labels series, Verdict verdict, double value)
    {
        if (verdict.Kind != VerdictKind.Scored || !(verdict.Sigma > 0) || !double.IsFinite(verdict.Expected))
        {
            return null;
        }

        var deviation = (value - verdict.Expected) / verdict.Sigma;
        if ((metric.Direction == ThresholdDirection.Above && deviation < 0) || (metric.Direction == ThresholdDirection.Below && deviation > 0))
        {
            return null;
        }

        var warning = metric.WarningSigma ?? _options.WarningSigma;
        var critical = metric.CriticalSigma ?? _options.CriticalSigma;
        var size = Math.Abs(deviation);
        if (size < warning)
        {
            return null;
        }

        var severity = size >= critical ? AlertSeverity.Critical : AlertSeverity.Warning;
        var what = string.IsNullOrEmpty(metric.Description) ? metric.Name : metric.Description;
        return new Finding
        {
            Sensor = SensorName,
            AlertName = AlertName,
            Subject = metric.Name,
            Labels = Finding.SeriesLabels(metric, series),
            Severity = severity,
            Summary = string.Create(CultureInfo.InvariantCulture, $"{what} deviates {deviation:+0.0;-0.0}σ from its baseline"),
            Description = string.Create(
                CultureInfo.InvariantCulture,
                $"{what} {series}: current {value:G6}, expected {verdict.Expected:G6} (band {verdict.Lower:G6} to {verdict.Upper:G6}), deviation {deviation:+0.0;-0.0}σ (σ {verdict.Sigma:G4}; warning at {warning:0.##}σ, critical at {critical:0.##}σ), detector {models.Detector.Type}"),
            Value = value,
            Numbers = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["current"] = value,
                ["expected"] = verdict.Expected,
                ["lower"] = verdict.Lower,
                ["upper"] = verdict.Upper,
                ["sigma"] = verdict.Sigma,
                ["deviation_sigma"] = deviation,
                ["score"] = verdict.Score,
            },
            Facts = new Dictionary<string, string>(StringComparer.Ordinal) { ["detector"] = models.Detector.Type },
        };
    }
}
