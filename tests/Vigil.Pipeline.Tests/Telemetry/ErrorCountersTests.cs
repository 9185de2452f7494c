using Vigil.Exposition;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Tests.Fakes;
using Vigil.Testing.Servers;

namespace Vigil.Pipeline.Tests.Telemetry;

/// <summary>Issue #11.14: <c>vigil_errors_total</c> has a job label where the error is a job's, and starts at 0.</summary>
public sealed class ErrorCountersTests
{
    private readonly MetricRegistry _registry = new();
    private readonly VigilMetrics _metrics;

    public ErrorCountersTests() => _metrics = new VigilMetrics(_registry);

    [Fact]
    public void Render_AtStart_EveryCatalogueTypeIsExportedAtZero()
    {
        var lines = MetricsText.Render(_registry).Split('\n');

        Assert.All(ErrorTypes.All, type => Assert.Contains($"vigil_errors_total{{error_type=\"{type}\"}} 0", lines));
    }

    [Fact]
    public void AddJob_PerJobTypes_ExportedAtZeroWithTheJobLabel()
    {
        _metrics.Errors.AddJob("cpu");

        var lines = MetricsText.Render(_registry).Split('\n');

        Assert.All(ErrorTypes.PerJob, type => Assert.Contains($"vigil_errors_total{{error_type=\"{type}\",job=\"cpu\"}} 0", lines));
        Assert.DoesNotContain(lines, l => l.StartsWith("vigil_errors_total{error_type=\"unauthorized\",job=", StringComparison.Ordinal));
    }

    [Fact]
    public void CountError_WithJob_CountsOnlyThatJobsSeries()
    {
        _metrics.Errors.AddJob("cpu");
        _metrics.Errors.AddJob("mem");

        _metrics.CountError(ErrorTypes.PrometheusQuery, "cpu");
        _metrics.CountError(ErrorTypes.PrometheusQuery, "cpu");
        _metrics.CountError(ErrorTypes.PrometheusQuery);

        var text = MetricsText.Render(_registry);
        Assert.Equal(2, MetricsText.Value(text, "vigil_errors_total{error_type=\"prometheus_query\",job=\"cpu\"}"));
        Assert.Equal(0, MetricsText.Value(text, "vigil_errors_total{error_type=\"prometheus_query\",job=\"mem\"}"));
        Assert.Equal(1, MetricsText.Value(text, "vigil_errors_total{error_type=\"prometheus_query\"}"));
        Assert.Equal(2, _metrics.Errors.Value(ErrorTypes.PrometheusQuery, "cpu"));
        Assert.Equal(3, _metrics.Errors.Total(ErrorTypes.PrometheusQuery));
    }

    [Fact]
    public async Task Render_WithJobsAndCounts_PassesPromtoolCheckMetrics()
    {
        _metrics.Errors.AddJob("cpu");
        _metrics.CountError(ErrorTypes.ModelPredict, "cpu");
        _metrics.CountError(ErrorTypes.Unauthorized);

        var (exit, output) = await ServerProcess.RunAsync("/usr/bin/promtool", MetricsText.Render(_registry), "check", "metrics");

        Assert.True(exit == 0, output);
    }
}
