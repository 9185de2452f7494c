using System.Globalization;
using Vigil.Configuration;
using Vigil.Core.Detection;
using YamlDotNet.RepresentationModel;

namespace Vigil.Inspection.Configuration;

/// <summary>
/// Reads the <c>inspection:</c> section and its environment overrides into <see cref="InspectionOptions"/>, collecting
/// every problem with its path (<c>inspection.monitored[1].threshold: ...</c>) so `vigil config check` lists them all.
/// Environment: <c>VIGIL_INSPECTION_ENABLED</c>, <c>VIGIL_INSPECTION_SHADOW_MODE</c> and one
/// <c>VIGIL_INSPECTION_&lt;SENSOR&gt;_ENABLED</c> per sensor (<c>BASELINE</c>, <c>TREND</c>, <c>LOG_PATTERNS</c>).
/// </summary>
public static class InspectionSectionReader
{
    public const string SectionName = "inspection";

    /// <summary>The environment variables this reader honours.</summary>
    public static readonly IReadOnlyList<string> EnvironmentVariables =
        ["VIGIL_INSPECTION_ENABLED", "VIGIL_INSPECTION_SHADOW_MODE", "VIGIL_INSPECTION_BASELINE_ENABLED", "VIGIL_INSPECTION_TREND_ENABLED", "VIGIL_INSPECTION_LOG_PATTERNS_ENABLED"];

    private static readonly string[] SectionKeys = ["enabled", "interval", "shadow_mode", "source", "sensors", "monitored"];
    private static readonly string[] SensorKeys = ["baseline", "trend", "log_patterns"];
    private static readonly string[] MetricKeys = ["name", "promql", "threshold", "description", "direction", "warning_sigma", "critical_sigma", "labels"];

    /// <summary>
    /// The options, or null when inspection is off: no section (and no <c>VIGIL_INSPECTION_ENABLED=true</c>), or
    /// <c>enabled: false</c>. <paramref name="defaults"/> is what an absent key means (the demo passes its replay
    /// metrics). Nothing is validated beyond parsing here: the caller runs <see cref="InspectionOptions.Validate"/>.
    /// </summary>
    public static InspectionOptions? Read(YamlMappingNode? section, IReadOnlyDictionary<string, string?> environment, List<string> errors, InspectionOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(errors);
        var r = new ConfigReader(errors);
        var enabled = section is not null || defaults is not null;
        var options = defaults ?? new InspectionOptions();
        if (section is not null)
        {
            r.RejectUnknown(section, SectionName, SectionKeys);
            enabled = r.Bool(section, SectionName, "enabled") ?? true;
            options = options with
            {
                Interval = Duration(r, section, SectionName, "interval") ?? options.Interval,
                ShadowMode = r.Bool(section, SectionName, "shadow_mode") ?? options.ShadowMode,
                Source = r.String(section, SectionName, "source") switch
                {
                    null => options.Source,
                    "prometheus" => InspectionSource.Prometheus,
                    "replay" => InspectionSource.Replay,
                    var other => Fail(r, $"{SectionName}.source: must be prometheus or replay (got '{other}')", options.Source),
                },
            };
            if (r.Mapping(section, SectionName, "sensors") is { } sensors)
            {
                options = ReadSensors(r, sensors, options);
            }

            if (r.Sequence(section, SectionName, "monitored") is { } monitored)
            {
                options = options with { Monitored = ReadMonitored(r, monitored) };
            }
        }

        enabled = EnvBool(r, environment, "VIGIL_INSPECTION_ENABLED") ?? enabled;
        if (!enabled)
        {
            return null;
        }

        return options with
        {
            ShadowMode = EnvBool(r, environment, "VIGIL_INSPECTION_SHADOW_MODE") ?? options.ShadowMode,
            Baseline = options.Baseline with { Enabled = EnvBool(r, environment, "VIGIL_INSPECTION_BASELINE_ENABLED") ?? options.Baseline.Enabled },
            Trend = options.Trend with { Enabled = EnvBool(r, environment, "VIGIL_INSPECTION_TREND_ENABLED") ?? options.Trend.Enabled },
            LogPatterns = options.LogPatterns with { Enabled = EnvBool(r, environment, "VIGIL_INSPECTION_LOG_PATTERNS_ENABLED") ?? options.LogPatterns.Enabled },
        };
    }

    private static InspectionOptions ReadSensors(ConfigReader r, YamlMappingNode sensors, InspectionOptions options)
    {
        const string path = "inspection.sensors";
        r.RejectUnknown(sensors, path, SensorKeys);
        if (r.Mapping(sensors, path, "baseline") is { } b)
        {
            const string p = path + ".baseline";
            r.RejectUnknown(b, p, "enabled", "timeout", "detector", "step", "warning_sigma", "critical_sigma", "retrain");
            var d = options.Baseline;
            options = options with
            {
                Baseline = d with
                {
                    Enabled = r.Bool(b, p, "enabled") ?? d.Enabled,
                    Timeout = Duration(r, b, p, "timeout") ?? d.Timeout,
                    Step = Duration(r, b, p, "step") ?? d.Step,
                    WarningSigma = Double(r, b, p, "warning_sigma") ?? d.WarningSigma,
                    CriticalSigma = Double(r, b, p, "critical_sigma") ?? d.CriticalSigma,
                    Retrain = r.Bool(b, p, "retrain") ?? d.Retrain,
                    Detector = r.Mapping(b, p, "detector") is { } detector ? ReadDetector(r, detector, p + ".detector") : d.Detector,
                },
            };
        }

        if (r.Mapping(sensors, path, "trend") is { } t)
        {
            const string p = path + ".trend";
            r.RejectUnknown(t, p, "enabled", "timeout", "lookback", "horizon", "step", "high_r2", "medium_r2", "high_min_points", "medium_min_points");
            var d = options.Trend;
            options = options with
            {
                Trend = d with
                {
                    Enabled = r.Bool(t, p, "enabled") ?? d.Enabled,
                    Timeout = Duration(r, t, p, "timeout") ?? d.Timeout,
                    Lookback = Duration(r, t, p, "lookback") ?? d.Lookback,
                    Horizon = Duration(r, t, p, "horizon") ?? d.Horizon,
                    Step = Duration(r, t, p, "step") ?? d.Step,
                    HighR2 = Double(r, t, p, "high_r2") ?? d.HighR2,
                    MediumR2 = Double(r, t, p, "medium_r2") ?? d.MediumR2,
                    HighMinPoints = Int(r, t, p, "high_min_points") ?? d.HighMinPoints,
                    MediumMinPoints = Int(r, t, p, "medium_min_points") ?? d.MediumMinPoints,
                },
            };
        }

        if (r.Mapping(sensors, path, "log_patterns") is { } l)
        {
            const string p = path + ".log_patterns";
            r.RejectUnknown(l, p, "enabled", "timeout");
            var d = options.LogPatterns;
            options = options with
            {
                LogPatterns = d with { Enabled = r.Bool(l, p, "enabled") ?? d.Enabled, Timeout = Duration(r, l, p, "timeout") ?? d.Timeout },
            };
        }

        return options;
    }

    private static DetectorSpec ReadDetector(ConfigReader r, YamlMappingNode map, string path)
    {
        var type = r.String(map, path, "type") ?? "seasonal";
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in map.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            if (name == "type")
            {
                continue;
            }

            if (value is YamlScalarNode { Value: { } text })
            {
                parameters[name] = text;
            }
            else
            {
                r.Errors.Add($"{path}.{name}: must be a single value");
            }
        }

        return new DetectorSpec(type, parameters);
    }

    private static List<MonitoredMetric> ReadMonitored(ConfigReader r, YamlSequenceNode list)
    {
        var metrics = new List<MonitoredMetric>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            var path = $"inspection.monitored[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (list.Children[i] is not YamlMappingNode m)
            {
                r.Errors.Add($"{path}: must be a mapping with name, promql and threshold");
                continue;
            }

            r.RejectUnknown(m, path, MetricKeys);
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (r.Mapping(m, path, "labels") is { } labelMap)
            {
                foreach (var (key, value) in labelMap.Children)
                {
                    var name = (key as YamlScalarNode)?.Value ?? string.Empty;
                    if (value is YamlScalarNode { Value: { } text })
                    {
                        labels[name] = text;
                    }
                    else
                    {
                        r.Errors.Add($"{path}.labels.{name}: must be a single value");
                    }
                }
            }

            metrics.Add(new MonitoredMetric
            {
                Name = r.String(m, path, "name", required: true) ?? string.Empty,
                Promql = r.String(m, path, "promql", required: true) ?? string.Empty,
                Threshold = Double(r, m, path, "threshold", required: true) ?? double.NaN,
                Description = r.String(m, path, "description") ?? string.Empty,
                Direction = r.String(m, path, "direction") switch
                {
                    null => null,
                    "above" => ThresholdDirection.Above,
                    "below" => ThresholdDirection.Below,
                    var other => Fail<ThresholdDirection?>(r, $"{path}.direction: must be above or below (got '{other}')", null),
                },
                WarningSigma = Double(r, m, path, "warning_sigma"),
                CriticalSigma = Double(r, m, path, "critical_sigma"),
                Labels = labels,
            });
        }

        return metrics;
    }

    // Parsing, paths and messages are Vigil.Configuration.ConfigReader's (the one YAML reader of every section); only
    // what it has no form for is here: numbers whose limits InspectionOptions.Validate checks (so the parse error
    // names no range), optional-limit durations, the environment flags, and errors with a fallback value.

    private static T Fail<T>(ConfigReader r, string message, T fallback)
    {
        r.Errors.Add(message);
        return fallback;
    }

    private static int? Int(ConfigReader r, YamlMappingNode parent, string path, string key)
        => r.String(parent, path, key) is not { } text ? null
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value
        : Fail<int?>(r, $"{path}.{key}: must be a whole number (got '{text}')", null);

    private static double? Double(ConfigReader r, YamlMappingNode parent, string path, string key, bool required = false)
        => r.String(parent, path, key, required) is not { } text ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value
        : Fail<double?>(r, $"{path}.{key}: must be a number (got '{text}')", null);

    // Limits are InspectionOptions.Validate's (e.g. "must be positive"), not the reader's.
    private static TimeSpan? Duration(ConfigReader r, YamlMappingNode parent, string path, string key)
        => r.Duration(parent, path, key, TimeSpan.MinValue, TimeSpan.MaxValue);

    private static bool? EnvBool(ConfigReader r, IReadOnlyDictionary<string, string?> environment, string name)
        => !environment.TryGetValue(name, out var text) || string.IsNullOrWhiteSpace(text) ? null
        : bool.TryParse(text.Trim(), out var value) ? value
        : Fail<bool?>(r, $"{name}: must be true or false (got '{text}')", null);
}
