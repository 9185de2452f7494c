using System.Globalization;

namespace Vigil.Testing.Servers;

/// <summary>
/// A real Pushgateway (the Debian package's /usr/bin/prometheus-pushgateway, or $VIGIL_PUSHGATEWAY_BIN) on a loopback
/// port, without persistence (a fresh, empty gateway per fixture).
/// </summary>
public sealed class PushgatewayServer() : LoopbackServer("pushgateway")
{
    private HttpClient? _api;

    public Uri BaseUrl => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");

    public HttpClient Api => _api ??= new HttpClient { BaseAddress = BaseUrl };

    protected override string DefaultBinary => "/usr/bin/prometheus-pushgateway";

    protected override string BinaryVariable => "VIGIL_PUSHGATEWAY_BIN";

    protected override Task PrepareAsync() => Task.CompletedTask;

    protected override (string File, IReadOnlyList<string> Arguments) Command() => (Binary,
    [
        $"--web.listen-address=127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}",
        "--log.level=warn",
    ]);

    /// <summary>The gateway's own exposition: every pushed group's metrics with their grouping labels.</summary>
    public async Task<string> ScrapeAsync()
    {
        using var response = await Api.GetAsync(new Uri("/metrics", UriKind.Relative)).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync().ConfigureAwait(false);
    }

    protected override async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await Api.GetAsync(new Uri("/-/ready", UriKind.Relative)).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    protected override void OnStopping()
    {
        _api?.Dispose();
        _api = null;
    }
}
