using Vigil.Pipeline.Tests.Fakes;

namespace Vigil.Tests.Support;

/// <summary>
/// A real Prometheus (Debian package) for a test: 1 s scrapes of the given jobs, a temp data dir, a loopback port,
/// ready before it is returned, stopped by PID on dispose.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private const string Binary = "/usr/bin/prometheus";

    private PrometheusServer(ServerProcess process, HttpClient api)
    {
        Process = process;
        Api = api;
    }

    public ServerProcess Process { get; }

    /// <summary>Client for the HTTP API (/api/v1/...).</summary>
    public HttpClient Api { get; }

    /// <param name="scrapeJobs">YAML list items under <c>scrape_configs:</c>, each starting with <c>- job_name:</c> at column 0.</param>
    /// <param name="ruleFile">A rule file to evaluate every second (alerts are read back from /api/v1/alerts).</param>
    public static async Task<PrometheusServer> StartAsync(TempDirectory temp, string scrapeJobs, TimeSpan patience, string? ruleFile = null)
    {
        var indented = string.Join('\n', scrapeJobs.Split('\n').Select(line => "  " + line));
        var rules = ruleFile is null ? string.Empty : $"rule_files:\n  - '{ruleFile}'\n";
        await File.WriteAllTextAsync(temp.File("prometheus.yml"), $"global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n{rules}scrape_configs:\n{indented}\n");
        var port = ServerProcess.FreePort();
        var process = ServerProcess.Start(
            Binary,
            $"--config.file={temp.File("prometheus.yml")}",
            $"--storage.tsdb.path={temp.File("data")}",
            $"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn");
        var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var server = new PrometheusServer(process, api);
        try
        {
            await process.WaitUntilAsync(async () => (await api.GetAsync("/-/ready")).IsSuccessStatusCode, patience, "Prometheus ready");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await Process.DisposeAsync();
    }
}
