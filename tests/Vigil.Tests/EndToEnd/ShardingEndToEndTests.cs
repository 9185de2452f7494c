using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vigil.Configuration;
using Vigil.Hosting;
using Vigil.Pipeline.Jobs;

namespace Vigil.Tests.EndToEnd;

/// <summary>
/// Three `vigil run` instances with <c>sharding: {count: 3, index: i}</c> against one real Prometheus (Debian package)
/// that scrapes 40 series: together they score every series exactly once, each export carries its shard, and an
/// instance restarted on its state dir takes back the same shard with its detector state.
/// </summary>
public sealed partial class ShardingEndToEndTests
{
    private const int SeriesCount = 40;
    private const int Shards = 3;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ThreeInstances_CoverEverySeriesExactlyOnce_AndARestartedInstanceResumesItsShard()
    {
        using var temp = new TempDirectory();
        var targetPort = ServerProcess.FreePort();
        await using var target = await StartTargetAsync(targetPort);
        await using var prometheus = await PrometheusServer.StartAsync($"""
            - job_name: fleet
              static_configs:
                - targets: ['127.0.0.1:{targetPort}']
            """, Patience);
        await prometheus.WaitUntilAsync(
            async () => await CountSeriesAsync(prometheus.Api) == SeriesCount, TimeSpan.FromSeconds(60), "every fixture series scraped");

        var ports = Enumerable.Range(0, Shards).Select(_ => ServerProcess.FreePort()).ToArray();
        var hosts = new WebApplication?[Shards];
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            for (var i = 0; i < Shards; i++)
            {
                hosts[i] = await StartVigilAsync(temp, i, ports[i], prometheus.BaseUrl);
            }

            // Each instance exports only its shard, labelled with it; together they cover every series once.
            var owned = new HashSet<string>[Shards];
            await prometheus.WaitUntilAsync(
                async () =>
                {
                    for (var i = 0; i < Shards; i++)
                    {
                        owned[i] = await ScoredSeriesAsync(http, ports[i], i);
                    }

                    return owned.Sum(o => o.Count) == SeriesCount;
                },
                Patience,
                "all 40 series scored across the three instances");

            var all = owned.SelectMany(o => o).ToList();
            Assert.Equal(SeriesCount, all.Distinct(StringComparer.Ordinal).Count());
            Assert.All(owned, o => Assert.NotEmpty(o));
            for (var i = 0; i < Shards; i++)
            {
                Assert.Equal((SeriesCount - owned[i].Count).ToString(CultureInfo.InvariantCulture), await GaugeAsync(http, ports[i], "vigil_shard_foreign_series"));
            }

            // Restart instance 1 on its state dir: it saves its shard's state on stop and restores it on start.
            await hosts[1]!.StopAsync();
            await hosts[1]!.DisposeAsync();
            hosts[1] = null;
            Assert.True(File.Exists(Path.Combine(temp.Path, "state-1", "sharded.state")), "the stopped instance saved its state");
            hosts[1] = await StartVigilAsync(temp, 1, ports[1], prometheus.BaseUrl);
            HashSet<string> resumed = [];
            await prometheus.WaitUntilAsync(
                async () => (resumed = await ScoredSeriesAsync(http, ports[1], 1)).Count == owned[1].Count,
                Patience,
                "the restarted instance scoring its shard again");

            Assert.Equal(owned[1].Order(StringComparer.Ordinal), resumed.Order(StringComparer.Ordinal));
            Assert.Equal(owned[1].Count.ToString(CultureInfo.InvariantCulture), await GaugeAsync(http, ports[1], "vigil_state_restored_series"));
        }
        finally
        {
            foreach (var host in hosts)
            {
                if (host is not null)
                {
                    await host.StopAsync();
                    await host.DisposeAsync();
                }
            }
        }
    }

    private static async Task<WebApplication> StartVigilAsync(TempDirectory temp, int index, int port, Uri prometheus)
    {
        var config = temp.File($"vigil-{index}.yaml");
        await File.WriteAllTextAsync(config, $"""
            server:
              listen_address: 127.0.0.1
              port: {port}
              state_dir: {Path.Combine(temp.Path, $"state-{index}")}
              shutdown_grace: 2s
            sources:
              prometheus:
                url: {prometheus}
            jobs:
              - name: sharded
                query: fleet_value
                interval: 1s
                detector:
                  type: rolling_sigma
                  window: 30
                  min_points: 5
            sharding:
              count: {Shards}
              index: {index}
            """);
        var options = new ConfigLoader(VigilDetectors.ForValidation()).Load(config, new Dictionary<string, string?>());
        var host = VigilHost.Build(options);
        await host.StartAsync();
        return host;
    }

    /// <summary>The <c>id</c> of every series the instance exports a score for, after checking its <c>shard</c> label.</summary>
    private static async Task<HashSet<string>> ScoredSeriesAsync(HttpClient http, int port, int shard)
    {
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
        HashSet<string> ids = [];
        foreach (Match m in ScoreLine().Matches(text))
        {
            Assert.Contains($"shard=\"{shard}\"", m.Value, StringComparison.Ordinal);
            ids.Add(m.Groups["id"].Value);
        }

        return ids;
    }

    private static async Task<string?> GaugeAsync(HttpClient http, int port, string name)
    {
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name + "{job=\"sharded\"}", StringComparison.Ordinal));
        return line?.Split(' ')[^1];
    }

    private static async Task<int> CountSeriesAsync(HttpClient prometheus)
    {
        var body = await prometheus.GetStringAsync(new Uri("/api/v1/query?query=" + Uri.EscapeDataString("count(fleet_value)"), UriKind.Relative));
        var m = Regex.Match(body, "\"(\\d+)\"\\]");
        return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>A scrape target with <see cref="SeriesCount"/> gauges <c>fleet_value{id="0".."39"}</c>, wiggling deterministically.</summary>
    private static async Task<WebApplication> StartTargetAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var scrapes = 0;
        app.MapGet("/metrics", (HttpContext _) =>
        {
            var n = Interlocked.Increment(ref scrapes);
            var text = new System.Text.StringBuilder("# HELP fleet_value A test value.\n# TYPE fleet_value gauge\n");
            for (var i = 0; i < SeriesCount; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"fleet_value{{id=\"{i}\"}} {100 + i + (3 * Math.Sin((n * 0.7) + i))}\n");
            }

            return Results.Text(text.ToString(), "text/plain; version=0.0.4");
        });
        await app.StartAsync();
        return app;
    }

    [GeneratedRegex("^vigil_anomaly_score\\{[^}]*\\bid=\"(?<id>\\d+)\"[^}]*\\}", RegexOptions.Multiline)]
    private static partial Regex ScoreLine();
}
