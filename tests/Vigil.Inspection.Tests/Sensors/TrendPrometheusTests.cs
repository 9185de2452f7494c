using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Exposition;
using Vigil.Inspection.Sensors;
using Vigil.Pipeline.Telemetry;
using Vigil.Prometheus;

namespace Vigil.Inspection.Tests.Sensors;

/// <summary>
/// The trend sensor against a real Prometheus holding the same samples: its fitted value at the horizon equals
/// <c>predict_linear(metric[6h], 4*3600)</c> evaluated at the round's time. Both anchor the line at the evaluation time
/// t (Vigil: the round's time aligned down to the step; Prometheus: the query's <c>time</c>) and fit the samples in
/// [t − 6h, t]: Vigil's range query at a 1m step returns exactly the stored samples when they sit on the step grid.
/// </summary>
public sealed class TrendPrometheusTests
{
    private const string Metric = "vigil_test_queue_depth";

    [Fact]
    public async Task InspectAsync_SameDataAsPrometheus_FittedValueAtHorizonEqualsPredictLinear()
    {
        // Stored samples every minute for 7 h, ending at a whole minute safely in the past (backfilled blocks).
        var realNow = TimeProvider.System.GetUtcNow();
        var t = DateTimeOffset.FromUnixTimeSeconds((realNow.ToUnixTimeSeconds() / 60 * 60) - 600);
        var server = new PrometheusServer(string.Empty);
        try
        {
            var openMetrics = server.Directory.File("backfill.om");
            await File.WriteAllTextAsync(openMetrics, OpenMetrics(t));
            var (exit, output) = await ServerProcess.RunAsync("/usr/bin/promtool", string.Empty, "tsdb", "create-blocks-from", "openmetrics", openMetrics, server.Directory.File("data"));
            Assert.True(exit == 0, output);
            await server.InitializeAsync();

            using var http = new HttpClient();
            var client = new PrometheusClient(http, new PrometheusClientOptions { BaseUrl = server.BaseUrl }, NullLogger<PrometheusClient>.Instance, TimeProvider.System);
            var options = InspectionHarness.Options(false, InspectionHarness.Metric(name: "queue", promql: Metric, threshold: 125));
            var sensor = new TrendSensor(client, options, new VigilMetrics(new MetricRegistry()));

            var result = await sensor.InspectAsync(new InspectionContext("r", t, false), CancellationToken.None);
            var expected = await PredictLinearAsync(server, t);

            Assert.Empty(result.Errors);
            Assert.Equal(2, result.Inspected);
            Assert.Equal(2, result.Findings.Count);
            foreach (var finding in result.Findings)
            {
                var instance = finding.Labels["instance"];
                var predicted = finding.Numbers["predicted_at_horizon"];
                Assert.True(Math.Abs(predicted - expected[instance]) <= 1e-9 * Math.Abs(expected[instance]), $"{instance}: Vigil {predicted:R}, predict_linear {expected[instance]:R}");
                Assert.Equal(361, finding.Numbers["n"]);
            }
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<Dictionary<string, double>> PredictLinearAsync(PrometheusServer server, DateTimeOffset t)
    {
        var query = Uri.EscapeDataString($"predict_linear({Metric}[6h], 4*3600)");
        var body = await server.Api.GetStringAsync(new Uri($"/api/v1/query?query={query}&time={t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}", UriKind.Relative));
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().ToDictionary(
            r => r.GetProperty("metric").GetProperty("instance").GetString()!,
            r => double.Parse(r.GetProperty("value")[1].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    /// <summary>Two rising series with a deterministic wiggle: a at 100 + 10/h, b at 105 + 8/h (both cross 125 in 2.5 h).</summary>
    private static string OpenMetrics(DateTimeOffset t)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# TYPE {Metric} gauge\n");
        foreach (var (instance, atT, perHour) in new[] { ("a", 100.0, 10.0), ("b", 105.0, 8.0) })
        {
            for (var k = 420; k >= 0; k--)
            {
                var hours = -k / 60.0;
                var value = atT + (perHour * hours) + (0.3 * Math.Sin(k * 2.39996));
                text.Append(CultureInfo.InvariantCulture, $"{Metric}{{instance=\"{instance}\"}} {value:R} {t.ToUnixTimeSeconds() - (k * 60)}\n");
            }
        }

        return text.Append("# EOF\n").ToString();
    }
}
