using System.Globalization;
using Vigil.Core.Detection;

namespace Vigil.Inspection;

/// <summary>Where the sensors read metric history: the configured Prometheus, or the embedded replay (the demo).</summary>
public enum InspectionSource
{
    Prometheus,
    Replay,
}

/// <summary>Which side of <see cref="MonitoredMetric.Threshold"/> is bad (and which deviations the baseline reports).</summary>
public enum ThresholdDirection
{
    /// <summary>Values above the threshold are bad (error rates, latency, CPU). The default.</summary>
    Above,

    /// <summary>Values below the threshold are bad (free disk, throughput).</summary>
    Below,
}

/// <summary>One entry of <c>inspection.monitored</c>: a PromQL query whose every returned series is inspected.</summary>
public sealed record MonitoredMetric
{
    public required string Name { get; init; }

    public required string Promql { get; init; }

    /// <summary>The limit the trend sensor predicts a crossing of.</summary>
    public required double Threshold { get; init; }

    public string Description { get; init; } = string.Empty;

    /// <summary>Null: the baseline reports both sides and the threshold is an upper limit (<see cref="ThresholdDirection.Above"/>).</summary>
    public ThresholdDirection? Direction { get; init; }

    /// <summary>Overrides <see cref="BaselineSensorOptions.WarningSigma"/> for this metric.</summary>
    public double? WarningSigma { get; init; }

    /// <summary>Overrides <see cref="BaselineSensorOptions.CriticalSigma"/> for this metric.</summary>
    public double? CriticalSigma { get; init; }

    /// <summary>Added to every alert of this metric (team, runbook, ...).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public ThresholdDirection EffectiveDirection => Direction ?? ThresholdDirection.Above;
}

/// <summary><c>inspection.sensors.baseline</c>: deviation from a detector's expectation, in σ.</summary>
public sealed record BaselineSensorOptions
{
    public bool Enabled { get; init; } = true;

    public TimeSpan Timeout { get; init; } = InspectionOptions.DefaultSensorTimeout;

    /// <summary>The detector the baselines are learned with (score contract of docs/detectors.md). Default <c>seasonal</c> (hour of day).</summary>
    public DetectorSpec Detector { get; init; } = new("seasonal", new Dictionary<string, string>());

    /// <summary>Resolution of the history the baselines learn from. Default 1m.</summary>
    public TimeSpan Step { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Deviation (|value − expected| / σ) at which a finding is a warning. Default 3.</summary>
    public double WarningSigma { get; init; } = 3;

    /// <summary>Deviation at which a finding is critical. Default 5.</summary>
    public double CriticalSigma { get; init; } = 5;

    /// <summary>Retrain every series' baseline from its full history in the background after each round. Default true.</summary>
    public bool Retrain { get; init; } = true;
}

/// <summary><c>inspection.sensors.trend</c>: least squares over <see cref="Lookback"/>, predicted threshold crossing within <see cref="Horizon"/>.</summary>
public sealed record TrendSensorOptions
{
    public bool Enabled { get; init; } = true;

    public TimeSpan Timeout { get; init; } = InspectionOptions.DefaultSensorTimeout;

    public TimeSpan Lookback { get; init; } = TimeSpan.FromHours(6);

    public TimeSpan Horizon { get; init; } = TimeSpan.FromHours(4);

    /// <summary>Resolution of the fitted points. Default 1m (361 points over 6 h).</summary>
    public TimeSpan Step { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>R² and points for "high" confidence. Defaults 0.8 and 30.</summary>
    public double HighR2 { get; init; } = 0.8;

    public int HighMinPoints { get; init; } = 30;

    /// <summary>R² and points for "medium" confidence (below either: "low", never reported). Defaults 0.5 and 10.</summary>
    public double MediumR2 { get; init; } = 0.5;

    public int MediumMinPoints { get; init; } = 10;
}

/// <summary><c>inspection.sensors.log_patterns</c>: templates the log miner has not seen before.</summary>
public sealed record LogPatternSensorOptions
{
    public bool Enabled { get; init; } = true;

    public TimeSpan Timeout { get; init; } = InspectionOptions.DefaultSensorTimeout;
}

/// <summary>The <c>inspection:</c> section. Defaults are defined here, once; <see cref="Validate"/> runs at start-up.</summary>
public sealed record InspectionOptions
{
    public static readonly TimeSpan DefaultSensorTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Time between the starts of two rounds. Default 5m.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Record, export and show every finding, deliver nothing (as the reference). Default true.</summary>
    public bool ShadowMode { get; init; } = true;

    public InspectionSource Source { get; init; } = InspectionSource.Prometheus;

    public BaselineSensorOptions Baseline { get; init; } = new();

    public TrendSensorOptions Trend { get; init; } = new();

    public LogPatternSensorOptions LogPatterns { get; init; } = new();

    public IReadOnlyList<MonitoredMetric> Monitored { get; init; } = [];

    /// <summary>Every problem, each with its configuration path; empty when valid.</summary>
    public IReadOnlyList<string> Validate(DetectorRegistry? detectors = null)
    {
        var errors = new List<string>();
        Positive(Interval, "inspection.interval");
        Positive(Baseline.Timeout, "inspection.sensors.baseline.timeout");
        Positive(Baseline.Step, "inspection.sensors.baseline.step");
        Positive(Trend.Timeout, "inspection.sensors.trend.timeout");
        Positive(Trend.Step, "inspection.sensors.trend.step");
        Positive(Trend.Lookback, "inspection.sensors.trend.lookback");
        Positive(Trend.Horizon, "inspection.sensors.trend.horizon");
        Positive(LogPatterns.Timeout, "inspection.sensors.log_patterns.timeout");
        if (Trend.Step > TimeSpan.Zero && Trend.Lookback.Ticks / Trend.Step.Ticks > Prometheus.PrometheusLimits.MaxPointsPerSeries)
        {
            errors.Add($"inspection.sensors.trend.lookback: {Points(Trend.Lookback, Trend.Step)} points at step {Trend.Step} exceed Prometheus's {Prometheus.PrometheusLimits.MaxPointsPerSeries} per series");
        }

        Sigmas(Baseline.WarningSigma, Baseline.CriticalSigma, "inspection.sensors.baseline");
        if (Trend.MediumR2 is < 0 or > 1 || Trend.HighR2 is < 0 or > 1 || Trend.HighR2 < Trend.MediumR2)
        {
            errors.Add("inspection.sensors.trend: medium_r2 and high_r2 must be in [0, 1] with medium_r2 <= high_r2");
        }

        if (Trend.MediumMinPoints < 3 || Trend.HighMinPoints < Trend.MediumMinPoints)
        {
            errors.Add("inspection.sensors.trend: medium_min_points must be at least 3 and high_min_points at least medium_min_points");
        }

        if (detectors is not null)
        {
            errors.AddRange(detectors.Validate(Baseline.Detector).Select(e => $"inspection.sensors.baseline.detector.{e}"));
        }

        if (Monitored.Count == 0 && (Baseline.Enabled || Trend.Enabled))
        {
            errors.Add("inspection.monitored: at least one metric is required while the baseline or trend sensor is enabled");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Monitored.Count; i++)
        {
            var m = Monitored[i];
            var path = $"inspection.monitored[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (string.IsNullOrWhiteSpace(m.Name))
            {
                errors.Add($"{path}.name: required");
            }
            else if (!names.Add(m.Name))
            {
                errors.Add($"{path}.name: '{m.Name}' appears twice");
            }

            if (string.IsNullOrWhiteSpace(m.Promql))
            {
                errors.Add($"{path}.promql: required");
            }

            if (!double.IsFinite(m.Threshold))
            {
                errors.Add($"{path}.threshold: must be a finite number");
            }

            Sigmas(m.WarningSigma ?? Baseline.WarningSigma, m.CriticalSigma ?? Baseline.CriticalSigma, path);
            foreach (var key in m.Labels.Keys.Where(k => !IsLabelName(k)))
            {
                errors.Add($"{path}.labels.{key}: not a valid Prometheus label name");
            }
        }

        return errors;

        void Positive(TimeSpan value, string key)
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{key}: must be positive");
            }
        }

        void Sigmas(double warning, double critical, string path)
        {
            if (!(warning > 0) || !double.IsFinite(warning) || !(critical >= warning) || !double.IsFinite(critical))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: warning_sigma ({warning}) must be positive and critical_sigma ({critical}) at least warning_sigma"));
            }
        }

        static long Points(TimeSpan range, TimeSpan step) => range.Ticks / step.Ticks;
    }

    internal static bool IsLabelName(string name)
        => name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !name.StartsWith("__", StringComparison.Ordinal);
}
