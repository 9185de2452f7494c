using Vigil.Pipeline.Jobs;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Hosting;
using Vigil.Tests.Hosting;
using Vigil.Pipeline.Tests.Fakes;
using Vigil.Tests.Support;

namespace Vigil.Tests.EndToEnd;

/// <summary>
/// The whole path against a real Prometheus (Debian package): Prometheus scrapes a fixture with a spike,
/// Vigil queries Prometheus, Prometheus scrapes Vigil, and the verdict is read back through Prometheus's own API,
/// including the alert that the shipped rule file (deploy/prometheus/vigil-rules.yml) raises from it.
/// </summary>
public sealed class PrometheusEndToEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AnomalyScore_ThroughRealPrometheus_StaysBelowOneBeforeSpikeAndExceedsOneAfterAndTheRuleFires()
    {
        using var temp = new TempDirectory();
        int targetPort = ServerProcess.FreePort(), vigilPort = ServerProcess.FreePort();
        await using var target = await FixtureTarget.StartAsync(targetPort);
        await using var server = await PrometheusServer.StartAsync($"""
            - job_name: fixture
              static_configs:
                - targets: ['127.0.0.1:{targetPort}']
            - job_name: vigil
              honor_labels: true   # keep the job/instance labels Vigil exports per scored series
              static_configs:
                - targets: ['127.0.0.1:{vigilPort}']
            """, Patience, DeployFilesTests.RulesFile);
        var (prometheus, http) = (server, server.Api);

        var options = new VigilOptions
        {
            Server = new ServerOptions { ListenAddress = "127.0.0.1", Port = vigilPort, ShutdownGrace = TimeSpan.FromSeconds(2) },
            Prometheus = new Vigil.Prometheus.PrometheusClientOptions { BaseUrl = http.BaseAddress!, Timeout = TimeSpan.FromSeconds(5), RetryBaseDelay = TimeSpan.FromMilliseconds(100) },
            Jobs =
            [
                new JobOptions
                {
                    Name = "e2e",
                    Query = "fixture_value",
                    Interval = TimeSpan.FromSeconds(1),
                    Detector = new DetectorSpec("rolling_sigma", new Dictionary<string, string> { ["window"] = "30", ["min_points"] = "8" }),
                },
            ],
        };
        await using var vigil = VigilHost.Build(options);
        await vigil.StartAsync();

        // Normal operation: wait until Prometheus holds several scored points of both series.
        await prometheus.WaitUntilAsync(
            async () => await ScalarAsync(http, "count_over_time(vigil_anomaly_score{job=\"e2e\",series=\"spiky\"}[1m])") >= 8,
            Patience,
            "several scraped anomaly scores before the spike");
        var beforeSpike = DateTimeOffset.FromUnixTimeMilliseconds(await ServerTimeMsAsync(http));
        target.Spike = true;

        await prometheus.WaitUntilAsync(
            async () => await ScalarAsync(http, "max(vigil_anomaly_score{job=\"e2e\",series=\"spiky\"})") > 1,
            Patience,
            "vigil_anomaly_score > 1 for the spiking series");

        var maxBefore = await ScalarAsync(http, "max_over_time(vigil_anomaly_score{job=\"e2e\",series=\"spiky\"}[2m])", beforeSpike);
        var calmMax = await ScalarAsync(http, "max_over_time(vigil_anomaly_score{job=\"e2e\",series=\"calm\"}[2m])");
        var expected = await ScalarAsync(http, "vigil_expected_value{job=\"e2e\",series=\"spiky\"}");
        Assert.InRange(maxBefore, 0, 1);
        Assert.InRange(calmMax, 0, 1);
        Assert.InRange(expected, 90, 200); // the band still describes the old normal, not the spike
        Assert.True(await ScalarAsync(http, "sum(vigil_predictions_total{job=\"e2e\"})") > 0);

        // The shipped rule fires once the score has stayed above 1 for its `for:` (1m): the score holds through the
        // incident, for the spiking series only.
        await prometheus.WaitUntilAsync(
            async () => (await FiringAsync(http)).Contains("VigilAnomaly/spiky"),
            Patience + TimeSpan.FromMinutes(1),
            "VigilAnomaly firing for the spiking series");
        Assert.DoesNotContain("VigilAnomaly/calm", await FiringAsync(http));
        Assert.Equal(0, await ScalarAsync(http, "sum(vigil_errors_total) or vector(0)"));
        await vigil.StopAsync();
    }

    /// <summary>Firing alerts as "alertname/series".</summary>
    private static async Task<List<string>> FiringAsync(HttpClient http)
    {
        using var doc = await http.GetFromJsonAsync<JsonDocument>("/api/v1/alerts") ?? throw new InvalidOperationException("empty response");
        return [.. doc.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray()
            .Where(a => a.GetProperty("state").GetString() == "firing")
            .Select(a => a.GetProperty("labels"))
            .Select(l => $"{l.GetProperty("alertname").GetString()}/{(l.TryGetProperty("series", out var s) ? s.GetString() : string.Empty)}")];
    }

    private static async Task<long> ServerTimeMsAsync(HttpClient http)
        => (long)(await ScalarAsync(http, "time()") * 1000);

    /// <summary>Evaluates an instant query that yields one number; NaN when the result is empty.</summary>
    private static async Task<double> ScalarAsync(HttpClient http, string query, DateTimeOffset? at = null)
    {
        var url = "/api/v1/query?query=" + Uri.EscapeDataString(query)
            + (at is { } t ? "&time=" + (t.ToUnixTimeMilliseconds() / 1000.0).ToString(CultureInfo.InvariantCulture) : string.Empty);
        using var doc = await http.GetFromJsonAsync<JsonDocument>(url) ?? throw new InvalidOperationException("empty response");
        var data = doc.RootElement.GetProperty("data");
        var result = data.GetProperty("result");
        var value = data.GetProperty("resultType").GetString() == "scalar"
            ? result
            : result.GetArrayLength() == 0 ? default : result[0].GetProperty("value");
        return value.ValueKind == JsonValueKind.Undefined
            ? double.NaN
            : double.Parse(value[1].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
