using System.Text.RegularExpressions;
using Vigil.Configuration;
using Vigil.Hosting;
using Vigil.Pipeline.Jobs;

namespace Vigil.Tests.EndToEnd;

/// <summary>
/// `vigil run` with a <c>remote_write:</c> section: the scores of a job reach a real Prometheus (Debian package, with
/// its remote-write receiver) without Prometheus scraping Vigil at all.
/// </summary>
public sealed class RemoteWriteEndToEndTests
{
    [Fact]
    public async Task RemoteWriteSection_ScoresOfARunningJob_ArriveInPrometheus()
    {
        using var temp = new TempDirectory();
        var targetPort = ServerProcess.FreePort();
        await using var target = await FixtureTarget.StartAsync(targetPort);
        // Prometheus scrapes the fixture only; every vigil_* series it holds came through remote-write.
        await using var prometheus = new PrometheusServer($"""
            - job_name: fixture
              static_configs:
                - targets: ['127.0.0.1:{targetPort}']
            """)
        {
            ExtraArguments = ["--web.enable-remote-write-receiver"],
            StartTimeout = TimeSpan.FromSeconds(90),
        };
        await prometheus.InitializeAsync();

        var config = temp.File("vigil.yaml");
        var (port, write) = (ServerProcess.FreePort(), new Uri(prometheus.BaseUrl, "/api/v1/write"));
        await File.WriteAllTextAsync(config, $"""
            server:
              listen_address: 127.0.0.1
              port: {port}
              shutdown_grace: 2s
            sources:
              prometheus:
                url: {prometheus.BaseUrl}
            jobs:
              - name: rw
                query: fixture_value
                interval: 1s
                detector:
                  type: rolling_sigma
                  window: 30
                  min_points: 5
            remote_write:
              url: {write}
              max_points_per_request: 10
              retry_base_delay: 100ms
            """);
        var options = new ConfigLoader(VigilDetectors.ForValidation()).Load(config, new Dictionary<string, string?>());
        await using var vigil = VigilHost.Build(options);
        await vigil.StartAsync();

        var body = string.Empty;
        await prometheus.WaitUntilAsync(
            async () =>
            {
                body = await prometheus.Api.GetStringAsync(new Uri(
                    "/api/v1/query?query=" + Uri.EscapeDataString("count by (series) (count_over_time(vigil_anomaly_score{job=\"rw\"}[5m]))"), UriKind.Relative));
                return Regex.Count(body, "\"series\":\"(calm|spiky)\"") == 2;
            },
            TimeSpan.FromSeconds(90),
            "remote-written scores of both fixture series in Prometheus");

        Assert.Contains("\"series\":\"calm\"", body, StringComparison.Ordinal);
        Assert.Contains("\"series\":\"spiky\"", body, StringComparison.Ordinal);
        var band = await prometheus.Api.GetStringAsync(new Uri(
            "/api/v1/query?query=" + Uri.EscapeDataString("count(vigil_expected_lower{job=\"rw\"} <= vigil_expected_value{job=\"rw\"})"), UriKind.Relative));
        Assert.Contains("\"2\"]", band, StringComparison.Ordinal);
        await vigil.StopAsync();
    }
}
