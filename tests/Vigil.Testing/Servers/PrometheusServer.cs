using System.Globalization;

namespace Vigil.Testing.Servers;

/// <summary>
/// A real Prometheus (the Debian package's /usr/bin/prometheus, or $VIGIL_PROMETHEUS_BIN) on a loopback port with
/// a temp data directory: 1 s scrapes and rule evaluations, ready (<c>/-/ready</c>) before it is returned.
/// </summary>
public sealed class PrometheusServer : LoopbackServer
{
    private readonly string _scrapeJobs;
    private readonly string? _ruleFile;
    private HttpClient? _api;

    /// <param name="scrapeJobs">
    /// YAML list items under <c>scrape_configs:</c>, each starting with <c>- job_name:</c> at column 0;
    /// <c>{port}</c> stands for the server's own port (a self-scrape).
    /// </param>
    /// <param name="ruleFile">A rule file to evaluate every second (alerts are read back from /api/v1/alerts).</param>
    /// <param name="routePrefix">Serve under a path prefix (<c>--web.external-url</c>), as behind a reverse proxy.</param>
    public PrometheusServer(string scrapeJobs, string? ruleFile = null, string routePrefix = "")
        : base("prometheus")
    {
        _scrapeJobs = scrapeJobs;
        _ruleFile = ruleFile;
        RoutePrefix = routePrefix;
    }

    public string RoutePrefix { get; }

    /// <summary>Top-level prometheus.yml sections to add, e.g. <c>storage:</c> for an out-of-order window.</summary>
    public string ExtraConfig { get; init; } = string.Empty;

    /// <summary>More command-line flags, e.g. <c>--web.enable-remote-write-receiver</c>.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>The API's base URL, route prefix included.</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}{RoutePrefix}");

    /// <summary>Client for the HTTP API (/api/v1/...), based at the server's root (no route prefix).</summary>
    public HttpClient Api => _api ??= new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}") };

    protected override string DefaultBinary => "/usr/bin/prometheus";

    protected override string BinaryVariable => "VIGIL_PROMETHEUS_BIN";

    /// <summary>Starts a server for one test; dispose it with <c>await using</c>.</summary>
    public static async Task<PrometheusServer> StartAsync(string scrapeJobs, TimeSpan startTimeout, string? ruleFile = null)
    {
        var server = new PrometheusServer(scrapeJobs, ruleFile) { StartTimeout = startTimeout };
        try
        {
            await server.InitializeAsync().ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    protected override async Task PrepareAsync()
    {
        var jobs = _scrapeJobs.Replace("{port}", Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var indented = string.Join('\n', jobs.Split('\n').Select(line => "  " + line));
        var rules = _ruleFile is null ? string.Empty : $"rule_files:\n  - '{_ruleFile}'\n";
        await File.WriteAllTextAsync(
            Directory.File("prometheus.yml"),
            $"global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n{rules}{ExtraConfig}scrape_configs:\n{indented}\n").ConfigureAwait(false);
    }

    protected override (string File, IReadOnlyList<string> Arguments) Command()
    {
        List<string> arguments =
        [
            $"--config.file={Directory.File("prometheus.yml")}",
            $"--storage.tsdb.path={Directory.File("data")}",
            $"--web.listen-address=127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}",
            "--log.level=warn",
        ];
        if (RoutePrefix.Length > 0)
        {
            arguments.Add($"--web.external-url={BaseUrl}");
        }

        arguments.AddRange(ExtraArguments);
        return (Binary, arguments);
    }

    protected override async Task<bool> IsReadyAsync()
    {
        using var response = await Api.GetAsync(new Uri($"{RoutePrefix}/-/ready", UriKind.Relative)).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }

    protected override void OnStopping()
    {
        _api?.Dispose();
        _api = null;
    }
}
