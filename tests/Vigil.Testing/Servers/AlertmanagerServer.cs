using System.Globalization;

namespace Vigil.Testing.Servers;

/// <summary>
/// A real Alertmanager (the Debian package's /usr/bin/prometheus-alertmanager, or $VIGIL_ALERTMANAGER_BIN) on a
/// loopback port, clustering off (<c>--cluster.listen-address=</c>), routing every alert to one webhook receiver
/// grouped by alertname with 1 s group wait/interval, so a test sees notifications within seconds.
/// </summary>
public sealed class AlertmanagerServer(Uri webhook) : LoopbackServer("alertmanager")
{
    private HttpClient? _api;

    public Uri BaseUrl => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");

    public HttpClient Api => _api ??= new HttpClient { BaseAddress = BaseUrl };

    protected override string DefaultBinary => "/usr/bin/prometheus-alertmanager";

    protected override string BinaryVariable => "VIGIL_ALERTMANAGER_BIN";

    protected override Task PrepareAsync() => File.WriteAllTextAsync(
        Directory.File("alertmanager.yml"),
        $"""
        route:
          receiver: test
          group_by: ['alertname']
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: test
            webhook_configs:
              - url: '{webhook}'
                send_resolved: true
        """);

    protected override (string File, IReadOnlyList<string> Arguments) Command() => (Binary,
    [
        $"--config.file={Directory.File("alertmanager.yml")}",
        $"--storage.path={Directory.File("data")}",
        $"--web.listen-address=127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}",
        "--cluster.listen-address=",
        "--log.level=warn",
    ]);

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
