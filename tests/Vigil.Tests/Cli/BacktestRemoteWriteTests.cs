using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Tests.Support;

namespace Vigil.Tests.Cli;

/// <summary>`vigil backtest --remote-write` fills a real Prometheus with the backtest's scores at their own timestamps.</summary>
public sealed class BacktestRemoteWriteTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Backtest_ReplayJobWithRemoteWrite_ScoresAreQueryableAtTheirOriginalTimestamps()
    {
        // History is older than the receiver's newest sample as soon as a second series is written: a receiver that
        // takes backfills must accept out-of-order samples (docs/deployment.md).
        await using var prometheus = new PrometheusServer("- job_name: none\n  static_configs: []")
        {
            ExtraConfig = "storage:\n  tsdb:\n    out_of_order_time_window: 2d\n",
            ExtraArguments = ["--web.enable-remote-write-receiver"],
            StartTimeout = TimeSpan.FromSeconds(90),
        };
        await prometheus.InitializeAsync();
        var config = _temp.File("vigil.yaml");
        await File.WriteAllTextAsync(config, "jobs:\n  - name: demo\n    query: replay_queue_depth\n    source: replay\n    interval: 1m\n    detector: { type: ewma }\n");

        var (exit, stdout, stderr) = await VigilProcess.RunAsync(
            null, "backtest", "--config", config, "--job", "demo", "--from", "2026-01-05T00:00:00Z", "--to", "2026-01-05T06:00:00Z", "--chunk", "02:00:00",
            "--remote-write", new Uri(prometheus.BaseUrl, "/api/v1/write").ToString());

        Assert.True(exit == 0, stderr + stdout);
        // 3 series × 331 scored points (30 warm-up) × 4 samples; the console wraps long lines.
        Assert.Contains("3972 samples written, 0 failed", stdout.Replace("\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        var end = new DateTimeOffset(2026, 1, 5, 6, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        // Every series of the job is there, with a score per minute of the range after warm-up.
        Assert.Equal(3, await ScalarAsync(prometheus.Api, "count(count_over_time(vigil_anomaly_score{job=\"demo\"}[6h]))", end));
        var perSeries = await ScalarAsync(prometheus.Api, "min(count_over_time(vigil_expected_upper{job=\"demo\"}[6h]))", end);
        Assert.InRange(perSeries, 200, 361);
        Assert.Equal(0, await ScalarAsync(prometheus.Api, "count(vigil_expected_lower{job=\"demo\"} > vigil_expected_upper{job=\"demo\"}) or vector(0)", end));
    }

    [Fact]
    public async Task Backtest_RemoteWriteReceiverDown_FailsSoonAndSaysTheHistoryIsIncomplete()
    {
        var config = _temp.File("vigil.yaml");
        await File.WriteAllTextAsync(config, "jobs:\n  - name: demo\n    query: replay_queue_depth\n    source: replay\n    interval: 1m\n    detector: { type: ewma }\n");

        var (exit, _, stderr) = await VigilProcess.RunAsync(
            null, "backtest", "--config", config, "--job", "demo", "--from", "2026-01-05T00:00:00Z", "--to", "2026-01-05T06:00:00Z", "--chunk", "02:00:00",
            "--remote-write", $"http://127.0.0.1:{ServerProcess.FreePort()}/api/v1/write");

        Assert.Equal(1, exit);
        Assert.Contains("later chunks were not sent", stderr, StringComparison.Ordinal);
        Assert.Contains("the history is incomplete", stderr, StringComparison.Ordinal);
    }

    private static async Task<double> ScalarAsync(HttpClient http, string query, long at)
    {
        var url = "/api/v1/query?query=" + Uri.EscapeDataString(query) + "&time=" + at.ToString(CultureInfo.InvariantCulture);
        using var doc = await http.GetFromJsonAsync<JsonDocument>(url) ?? throw new InvalidOperationException("empty response");
        var result = doc.RootElement.GetProperty("data").GetProperty("result");
        Assert.True(result.GetArrayLength() == 1, $"{query}: {result}");
        return double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
    }
}
