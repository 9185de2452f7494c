using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Export.RemoteWrite;
using Vigil.Exposition;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Export.Tests.RemoteWrite;

/// <summary>Against Debian's Prometheus started with <c>--web.enable-remote-write-receiver</c>.</summary>
public sealed class RemoteWritePrometheusTests
{
    [Fact]
    public async Task WrittenScores_AreQueryableAtTheirOriginalTimestamps()
    {
        await using var prometheus = new PrometheusServer("- job_name: none\n  static_configs: []")
        {
            ExtraArguments = ["--web.enable-remote-write-receiver"],
            StartTimeout = TimeSpan.FromSeconds(90),
        };
        await prometheus.InitializeAsync();
        var now = await ServerTimeAsync(prometheus.Api);
        // Six points one minute apart, ending ten minutes ago: history, not "now".
        var first = (now - 900) * 1000 / 60_000 * 60_000;
        var series = new ScoredSeries("rw-test", Labels.From([KeyValuePair.Create("instance", "web-1"), KeyValuePair.Create("job", "node")]), "auto");
        var batch = new VerdictBatch("rw-test");
        for (var i = 0; i < 6; i++)
        {
            batch.Add(new ScoredPoint(series, first + (i * 60_000L), 100 + i, new Verdict(i == 4 ? 3.5 : 0.25 * i, 100, 90, 110 + i, VerdictKind.Scored)));
        }

        var options = new RemoteWriteOptions { Url = new Uri(prometheus.BaseUrl, "/api/v1/write"), RetryBaseDelay = TimeSpan.FromMilliseconds(100) };
        var registry = new MetricRegistry();
        var metrics = new RemoteWriteMetrics(registry);
        var buffer = new RemoteWriteBuffer(options, metrics);
        using var http = new HttpClient();
        var sender = new RemoteWriteSender(http, options, buffer, metrics, new VigilMetrics(registry), TimeProvider.System, NullLogger<RemoteWriteSender>.Instance);

        buffer.Publish(batch);
        await sender.SendQueuedAsync(CancellationToken.None);

        Assert.Equal(24, metrics.Sent);
        Assert.Equal(0, metrics.Failed);
        var scores = await RangeAsync(prometheus.Api, "vigil_anomaly_score{job=\"rw-test\",instance=\"web-1\",exported_job=\"node\"}", first, first + 300_000);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (first / 1000) + (i * 60L)), scores.Select(s => s.Time));
        Assert.Equal([0, 0.25, 0.5, 0.75, 3.5, 1.25], scores.Select(s => s.Value));
        var upper = await RangeAsync(prometheus.Api, "vigil_expected_upper{job=\"rw-test\"}", first, first + 300_000);
        Assert.Equal([110.0, 111, 112, 113, 114, 115], upper.Select(s => s.Value));
    }

    private static async Task<long> ServerTimeAsync(HttpClient http)
    {
        using var doc = await http.GetFromJsonAsync<JsonDocument>("/api/v1/query?query=time()") ?? throw new InvalidOperationException("empty");
        return (long)double.Parse(doc.RootElement.GetProperty("data").GetProperty("result")[1].GetString()!, CultureInfo.InvariantCulture);
    }

    private static async Task<List<(long Time, double Value)>> RangeAsync(HttpClient http, string query, long fromMs, long toMs)
    {
        // step 60 s from the first sample's own timestamp: each step lands exactly on a written sample.
        var url = FormattableString.Invariant($"/api/v1/query_range?query={Uri.EscapeDataString(query)}&start={fromMs / 1000}&end={toMs / 1000}&step=60");
        using var doc = await http.GetFromJsonAsync<JsonDocument>(url) ?? throw new InvalidOperationException("empty");
        var result = doc.RootElement.GetProperty("data").GetProperty("result");
        Assert.Equal(1, result.GetArrayLength());
        return [.. result[0].GetProperty("values").EnumerateArray().Select(v => ((long)v[0].GetDouble(), double.Parse(v[1].GetString()!, CultureInfo.InvariantCulture)))];
    }
}
