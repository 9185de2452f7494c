using System.Buffers;
using Vigil.Core.Series;

namespace Vigil.Exposition.Tests;

public sealed class PromtoolTests
{
    [PromtoolFact]
    public async Task WriteTo_RealisticRegistry_PassesPromtoolCheckMetrics()
    {
        var promtool = Promtool.Path ?? throw new InvalidOperationException(
            "CI=true but promtool is missing: install the Debian package 'prometheus' on the build agent.");
        var registry = SampleRegistries.CreateGolden();
        var requests = registry.CreateHistogram("vigil_http_request_duration_seconds", "HTTP request latency.", DefaultBuckets.Latency, "method", "route", "code");
        requests.WithLabels("GET", "/api/v1/series/{id}", "200").Observe(0.042);
        requests.WithLabels("POST", "/api/v1/detect", "500").Observe(12);
        registry.Register(new ProcessMetricsCollector());
        registry.Register(new SampleRegistries.ManySeriesCollector(3000));
        var buffer = new ArrayBufferWriter<byte>();
        registry.WriteTo(buffer);
        var file = Path.Combine(Path.GetTempPath(), $"vigil-promtool-{Guid.NewGuid():N}.prom");
        await File.WriteAllBytesAsync(file, buffer.WrittenSpan.ToArray());

        try
        {
            var (exitCode, output) = await Promtool.CheckMetricsAsync(promtool, file);

            Assert.True(exitCode == 0 && output.Length == 0, $"promtool exit {exitCode}:\n{output}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [PromtoolFact]
    public async Task CheckMetrics_KnownBadExposition_IsRejected()
    {
        // Guards the test above: proves promtool really lints what we feed it (a counter without _total).
        var promtool = Promtool.Path ?? throw new InvalidOperationException("CI=true but promtool is missing.");
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new ExpositionWriter(buffer);
        writer.WriteHeader("requests", "Requests.", MetricType.Counter);
        writer.WriteSample("requests", [new Label("a", "b")], 1);
        var file = Path.Combine(Path.GetTempPath(), $"vigil-promtool-{Guid.NewGuid():N}.prom");
        await File.WriteAllBytesAsync(file, buffer.WrittenSpan.ToArray());

        try
        {
            var (exitCode, output) = await Promtool.CheckMetricsAsync(promtool, file);

            Assert.NotEqual(0, exitCode);
            Assert.Contains("_total", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
