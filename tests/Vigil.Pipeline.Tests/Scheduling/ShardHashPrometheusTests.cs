using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Core.Series;
using Vigil.Pipeline.Scheduling;
using Vigil.Testing.Servers;

namespace Vigil.Pipeline.Tests.Scheduling;

/// <summary>
/// The shard hash is reproducible outside Vigil: a real Prometheus' <c>hashmod</c> relabelling over the same labels,
/// in label-name order, puts every series in the shard Vigil does.
/// </summary>
public sealed class ShardHashPrometheusTests
{
    [Fact]
    public async Task ShardOf_AgreesWithPrometheusHashmodOnItsOwnSeries()
    {
        // Prometheus scrapes itself; each series whose labels are exactly __name__, instance, job gets prom_shard =
        // hashmod of those three values (sorted by label name, as Vigil joins them) modulo 5.
        await using var prometheus = await PrometheusServer.StartAsync("""
            - job_name: self
              static_configs:
                - targets: ['127.0.0.1:{port}']
              metric_relabel_configs:
                - source_labels: [__name__, instance, job]
                  separator: ';'
                  modulus: 5
                  target_label: prom_shard
                  action: hashmod
            """, TimeSpan.FromSeconds(90));
        await prometheus.WaitUntilAsync(async () => (await SeriesAsync(prometheus.Api)).Count > 50, TimeSpan.FromSeconds(60), "self-scraped series");

        var series = await SeriesAsync(prometheus.Api);

        foreach (var (labels, promShard) in series)
        {
            Assert.Equal(promShard, ShardAssignment.ShardOf(labels, 5));
        }

        Assert.True(series.Select(s => s.Shard).Distinct().Count() == 5, "every shard got series");
    }

    /// <summary>Series of the self-scrape with exactly __name__, instance, job (plus prom_shard), and their Prometheus shard.</summary>
    private static async Task<List<(Labels Labels, ulong Shard)>> SeriesAsync(HttpClient http)
    {
        using var doc = await http.GetFromJsonAsync<JsonDocument>("/api/v1/query?query=" + Uri.EscapeDataString("{job=\"self\", prom_shard!=\"\"}"))
            ?? throw new InvalidOperationException("empty response");
        List<(Labels, ulong)> result = [];
        foreach (var item in doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var metric = item.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            if (metric.Count != 4)
            {
                continue;
            }

            var shard = ulong.Parse(metric["prom_shard"], CultureInfo.InvariantCulture);
            metric.Remove("prom_shard");
            result.Add((Labels.From(metric), shard));
        }

        return result;
    }
}
