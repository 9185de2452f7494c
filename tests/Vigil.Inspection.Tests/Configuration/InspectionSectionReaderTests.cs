using Vigil.Core.Detection;
using Vigil.Inspection.Configuration;
using YamlDotNet.RepresentationModel;

namespace Vigil.Inspection.Tests.Configuration;

public sealed class InspectionSectionReaderTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    [Fact]
    public void Read_FullSection_EveryKeyMapped()
    {
        var errors = new List<string>();
        var options = InspectionSectionReader.Read(Section("""
            interval: 2m
            shadow_mode: false
            sensors:
              baseline: { timeout: 10s, detector: { type: holt_winters }, warning_sigma: 2.5, critical_sigma: 4, retrain: false }
              trend: { lookback: 3h, horizon: 2h, enabled: false }
              log_patterns: { timeout: 5s }
            monitored:
              - name: http_error_rate
                promql: sum(rate(http_requests_total{status=~"5.."}[5m]))
                threshold: 0.05
                description: HTTP 5xx rate
                direction: above
                critical_sigma: 6
                labels: { team: web }
            """), NoEnvironment, errors);

        Assert.Empty(errors);
        Assert.NotNull(options);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Interval);
        Assert.False(options.ShadowMode);
        Assert.Equal("holt_winters", options.Baseline.Detector.Type);
        Assert.Equal(2.5, options.Baseline.WarningSigma);
        Assert.False(options.Baseline.Retrain);
        Assert.Equal(TimeSpan.FromHours(3), options.Trend.Lookback);
        Assert.False(options.Trend.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(5), options.LogPatterns.Timeout);
        var metric = Assert.Single(options.Monitored);
        Assert.Equal(0.05, metric.Threshold);
        Assert.Equal(ThresholdDirection.Above, metric.Direction);
        Assert.Equal(6, metric.CriticalSigma);
        Assert.Equal("web", metric.Labels["team"]);
        Assert.Empty(options.Validate(DetectorRegistry.CreateDefault()));
    }

    [Fact]
    public void Read_Defaults_AsDocumented()
    {
        var options = InspectionSectionReader.Read(Section("monitored: [{ name: a, promql: up, threshold: 1 }]"), NoEnvironment, []);

        Assert.NotNull(options);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Interval);
        Assert.True(options.ShadowMode);
        Assert.Equal("seasonal", options.Baseline.Detector.Type);
        Assert.Equal((3.0, 5.0), (options.Baseline.WarningSigma, options.Baseline.CriticalSigma));
        Assert.Equal((TimeSpan.FromHours(6), TimeSpan.FromHours(4)), (options.Trend.Lookback, options.Trend.Horizon));
        Assert.True(options.Baseline.Enabled && options.Trend.Enabled && options.LogPatterns.Enabled);
    }

    [Fact]
    public void Read_EnvironmentFlags_OverrideSensorsAndShadow()
    {
        var env = new Dictionary<string, string?> { ["VIGIL_INSPECTION_TREND_ENABLED"] = "false", ["VIGIL_INSPECTION_SHADOW_MODE"] = "false", ["VIGIL_INSPECTION_LOG_PATTERNS_ENABLED"] = "False" };

        var options = InspectionSectionReader.Read(Section("monitored: [{ name: a, promql: up, threshold: 1 }]"), env, []);

        Assert.NotNull(options);
        Assert.False(options.Trend.Enabled);
        Assert.False(options.LogPatterns.Enabled);
        Assert.True(options.Baseline.Enabled);
        Assert.False(options.ShadowMode);
    }

    [Fact]
    public void Read_NoSectionOrDisabled_Null()
    {
        Assert.Null(InspectionSectionReader.Read(null, NoEnvironment, []));
        Assert.Null(InspectionSectionReader.Read(Section("enabled: false"), NoEnvironment, []));
        Assert.Null(InspectionSectionReader.Read(Section("monitored: [{ name: a, promql: up, threshold: 1 }]"), new Dictionary<string, string?> { ["VIGIL_INSPECTION_ENABLED"] = "false" }, []));
    }

    [Fact]
    public void ReadAndValidate_Mistakes_EveryErrorWithItsPath()
    {
        var errors = new List<string>();
        var options = InspectionSectionReader.Read(Section("""
            interval: 5 minutes
            colour: blue
            sensors:
              trend: { horizon: 0s }
              baseline: { detector: { type: prophet } }
            monitored:
              - { name: a, promql: up, threshold: high }
              - { name: a, threshold: 1, direction: sideways, labels: { "bad-name": x } }
            """), new Dictionary<string, string?> { ["VIGIL_INSPECTION_BASELINE_ENABLED"] = "maybe" }, errors);
        errors.AddRange(options!.Validate(DetectorRegistry.CreateDefault()));

        Assert.Contains("inspection.interval: '5 minutes' is not a duration with a unit (e.g. 30s, 5m, 1h)", errors);
        Assert.Contains(errors, e => e.StartsWith("inspection.colour: unknown key", StringComparison.Ordinal));
        Assert.Contains("inspection.sensors.trend.horizon: must be positive", errors);
        Assert.Contains(errors, e => e.StartsWith("inspection.sensors.baseline.detector.type: unknown detector 'prophet'", StringComparison.Ordinal));
        Assert.Contains("inspection.monitored[0].threshold: must be a number (got 'high')", errors);
        Assert.Contains("inspection.monitored[1].promql: required", errors);
        Assert.Contains("inspection.monitored[1].direction: must be above or below (got 'sideways')", errors);
        Assert.Contains("inspection.monitored[1].name: 'a' appears twice", errors);
        Assert.Contains("inspection.monitored[1].labels.bad-name: not a valid Prometheus label name", errors);
        Assert.Contains("VIGIL_INSPECTION_BASELINE_ENABLED: must be true or false (got 'maybe')", errors);
    }

    private static YamlMappingNode Section(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }
}
