using Vigil.Testing.Servers;

namespace Vigil.Prometheus.Tests.TestSupport;

/// <summary>
/// A real Prometheus (the Debian package, through the shared <see cref="PrometheusServer"/>) behind a route prefix,
/// scraping itself every second. Fails, not skips, when the binary is missing: these tests are the proof that the
/// client speaks to the real API.
/// </summary>
public sealed class RealPrometheusFixture : IAsyncLifetime
{
    public const string RoutePrefix = "/prom";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly PrometheusServer _server = new($"""
        - job_name: self
          metrics_path: {RoutePrefix}/metrics
          static_configs:
            - targets: ['127.0.0.1:{"{port}"}']
        """, routePrefix: RoutePrefix) { StartTimeout = StartTimeout };

    public Uri BaseUrl => _server.BaseUrl;

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();

        // Ready once the first self-scrape is queryable, not merely once the server listens.
        await _server.WaitUntilAsync(
            async () => (await _server.Api.GetStringAsync(new Uri($"{RoutePrefix}/api/v1/query?query=up", UriKind.Relative))).Contains("\"value\"", StringComparison.Ordinal),
            StartTimeout,
            "the first self-scrape");
    }

    public Task DisposeAsync() => _server.DisposeAsync();
}
