using System.Globalization;
using System.Text.RegularExpressions;
using Vigil.Core.Detection;
using YamlDotNet.RepresentationModel;

namespace Vigil.Inspection.Configuration;

/// <summary>
/// Reads the <c>inspection:</c> section and its environment overrides into <see cref="InspectionOptions"/>, collecting
/// every problem with its path (<c>inspection.monitored[1].threshold: ...</c>) so `vigil config check` lists them all.
/// Environment: <c>VIGIL_INSPECTION_ENABLED</c>, <c>VIGIL_INSPECTION_SHADOW_MODE</c> and one
/// <c>VIGIL_INSPECTION_&lt;SENSOR&gt;_ENABLED</c> per sensor (<c>BASELINE</c>, <c>TREND</c>, <c>LOG_PATTERNS</c>).
/// </summary>
public static partial class InspectionSectionReader
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
        var r = new Reader(errors);
        var enabled = section is not null || defaults is not null;
        var options = defaults ?? new InspectionOptions();
        if (section is not null)
        {
            r.RejectUnknown(section, SectionName, SectionKeys);
            enabled = r.Bool(section, SectionName, "enabled") ?? true;
            options = options with
            {
                Interval = r.Duration(section, SectionName, "interval") ?? options.Interval,
                ShadowMode = r.Bool(section, SectionName, "shadow_mode") ?? options.ShadowMode,
                Source = r.String(section, SectionName, "source") switch
                {
                    null => options.Source,
                    "prometheus" => InspectionSource.Prometheus,
                    "replay" => InspectionSource.Replay,
                    var other => r.Error($"{SectionName}.source: must be prometheus or replay (got '{other}')", options.Source),
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

        enabled = r.EnvBool(environment, "VIGIL_INSPECTION_ENABLED") ?? enabled;
        if (!enabled)
        {
            return null;
        }

        return options with
        {
            ShadowMode = r.EnvBool(environment, "VIGIL_INSPECTION_SHADOW_MODE") ?? options.ShadowMode,
            Baseline = options.Baseline with { Enabled = r.EnvBool(environment, "VIGIL_INSPECTION_BASELINE_ENABLED") ?? options.Baseline.Enabled },
            Trend = options.Trend with { Enabled = r.EnvBool(environment, "VIGIL_INSPECTION_TREND_ENABLED") ?? options.Trend.Enabled },
            LogPatterns = options.LogPatterns with { Enabled = r.EnvBool(environment, "VIGIL_INSPECTION_LOG_PATTERNS_ENABLED") ?? options.LogPatterns.Enabled },
        };
    }

    private static InspectionOptions ReadSensors(Reader r, YamlMappingNode sensors, InspectionOptions options)
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
                    Timeout = r.Duration(b, p, "timeout") ?? d.Timeout,
                    Step = r.Duration(b, p, "step") ?? d.Step,
                    WarningSigma = r.Double(b, p, "warning_sigma") ?? d.WarningSigma,
                    CriticalSigma = r.Double(b, p, "critical_sigma") ?? d.CriticalSigma,
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
                    Timeout = r.Duration(t, p, "timeout") ?? d.Timeout,
                    Lookback = r.Duration(t, p, "lookback") ?? d.Lookback,
                    Horizon = r.Duration(t, p, "horizon") ?? d.Horizon,
                    Step = r.Duration(t, p, "step") ?? d.Step,
                    HighR2 = r.Double(t, p, "high_r2") ?? d.HighR2,
                    MediumR2 = r.Double(t, p, "medium_r2") ?? d.MediumR2,
                    HighMinPoints = r.Int(t, p, "high_min_points") ?? d.HighMinPoints,
                    MediumMinPoints = r.Int(t, p, "medium_min_points") ?? d.MediumMinPoints,
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
                LogPatterns = d with { Enabled = r.Bool(l, p, "enabled") ?? d.Enabled, Timeout = r.Duration(l, p, "timeout") ?? d.Timeout },
            };
        }

        return options;
    }

    private static DetectorSpec ReadDetector(Reader r, YamlMappingNode map, string path)
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
                r.Error($"{path}.{name}: must be a single value", 0);
            }
        }

        return new DetectorSpec(type, parameters);
    }

    private static List<MonitoredMetric> ReadMonitored(Reader r, YamlSequenceNode list)
    {
        var metrics = new List<MonitoredMetric>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            var path = $"inspection.monitored[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (list.Children[i] is not YamlMappingNode m)
            {
                r.Error($"{path}: must be a mapping with name, promql and threshold", 0);
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
                        r.Error($"{path}.labels.{name}: must be a single value", 0);
                    }
                }
            }

            metrics.Add(new MonitoredMetric
            {
                Name = r.String(m, path, "name", required: true) ?? string.Empty,
                Promql = r.String(m, path, "promql", required: true) ?? string.Empty,
                Threshold = r.Double(m, path, "threshold", required: true) ?? double.NaN,
                Description = r.String(m, path, "description") ?? string.Empty,
                Direction = r.String(m, path, "direction") switch
                {
                    null => null,
                    "above" => ThresholdDirection.Above,
                    "below" => ThresholdDirection.Below,
                    var other => r.Error<ThresholdDirection?>($"{path}.direction: must be above or below (got '{other}')", null),
                },
                WarningSigma = r.Double(m, path, "warning_sigma"),
                CriticalSigma = r.Double(m, path, "critical_sigma"),
                Labels = labels,
            });
        }

        return metrics;
    }

    /// <summary>Parses <c>90s</c>, <c>5m</c>, <c>1h</c>, <c>2d</c>, <c>500ms</c>.</summary>
    internal static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = default;
        var match = DurationPattern().Match(text.Trim());
        if (!match.Success || !double.TryParse(match.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }

        value = match.Groups["u"].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(n),
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
        return true;
    }

    [GeneratedRegex(@"^(?<n>[0-9]+(\.[0-9]+)?)(?<u>ms|s|m|h|d)$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex DurationPattern();

    /// <summary>Typed, path-aware reads; every problem goes to the shared error list.</summary>
    private sealed class Reader(List<string> errors)
    {
        public T Error<T>(string message, T fallback)
        {
            errors.Add(message);
            return fallback;
        }

        public void RejectUnknown(YamlMappingNode map, string path, params string[] known)
        {
            foreach (var key in map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? string.Empty))
            {
                if (!known.Contains(key, StringComparer.Ordinal))
                {
                    errors.Add($"{path}.{key}: unknown key (expected one of: {string.Join(", ", known)})");
                }
            }
        }

        public YamlMappingNode? Mapping(YamlMappingNode parent, string path, string key) => Get(parent, key) switch
        {
            null or YamlScalarNode { Value: null or "" or "~" or "null" } => null,
            YamlMappingNode map => map,
            _ => Error<YamlMappingNode?>($"{path}.{key}: must be a mapping", null),
        };

        public YamlSequenceNode? Sequence(YamlMappingNode parent, string path, string key) => Get(parent, key) switch
        {
            null or YamlScalarNode { Value: null or "" or "~" or "null" } => null,
            YamlSequenceNode list => list,
            _ => Error<YamlSequenceNode?>($"{path}.{key}: must be a list", null),
        };

        public string? String(YamlMappingNode parent, string path, string key, bool required = false)
        {
            switch (Get(parent, key))
            {
                case null or YamlScalarNode { Value: null or "~" }:
                    return required ? Error<string?>($"{path}.{key}: required", null) : null;
                case YamlScalarNode { Value: var value }:
                    return required && string.IsNullOrWhiteSpace(value) ? Error<string?>($"{path}.{key}: required", null) : value;
                default:
                    return Error<string?>($"{path}.{key}: must be a single value", null);
            }
        }

        public bool? Bool(YamlMappingNode parent, string path, string key)
            => String(parent, path, key) is not { } text ? null
            : bool.TryParse(text, out var value) ? value
            : Error<bool?>($"{path}.{key}: must be true or false (got '{text}')", null);

        public int? Int(YamlMappingNode parent, string path, string key)
            => String(parent, path, key) is not { } text ? null
            : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value
            : Error<int?>($"{path}.{key}: must be a whole number (got '{text}')", null);

        public double? Double(YamlMappingNode parent, string path, string key, bool required = false)
            => String(parent, path, key, required) is not { } text ? null
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value
            : Error<double?>($"{path}.{key}: must be a number (got '{text}')", null);

        public TimeSpan? Duration(YamlMappingNode parent, string path, string key)
            => String(parent, path, key) is not { } text ? null
            : TryParseDuration(text, out var value) ? value
            : Error<TimeSpan?>($"{path}.{key}: '{text}' is not a duration with a unit (e.g. 30s, 5m, 1h)", null);

        public bool? EnvBool(IReadOnlyDictionary<string, string?> environment, string name)
            => !environment.TryGetValue(name, out var text) || string.IsNullOrWhiteSpace(text) ? null
            : bool.TryParse(text.Trim(), out var value) ? value
            : Error<bool?>($"{name}: must be true or false (got '{text}')", null);

        private static YamlNode? Get(YamlMappingNode parent, string key)
            => parent.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;
    }
}
