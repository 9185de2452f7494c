using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Vigil.Prometheus.Tests.TestSupport;

/// <summary>
/// A real Prometheus (the Debian package's /usr/bin/prometheus) on 127.0.0.1 with a free port, a temporary data
/// directory and a route prefix, scraping itself every second. Fails, not skips, when the binary is missing:
/// these tests are the proof that the client speaks to the real API.
/// </summary>
public sealed class RealPrometheusFixture : IAsyncLifetime
{
    public const string RoutePrefix = "/prom";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"vigil-prom-test-{Guid.NewGuid():N}");
    private Process? _process;

    public Uri BaseUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var binary = Environment.GetEnvironmentVariable("VIGIL_PROMETHEUS_BIN") ?? "/usr/bin/prometheus";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"Prometheus binary not found at {binary}: apt-get install prometheus, or set VIGIL_PROMETHEUS_BIN");
        }

        Directory.CreateDirectory(_dataDirectory);
        var port = FreePort();
        var config = Path.Combine(_dataDirectory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: self
                metrics_path: {RoutePrefix}/metrics
                static_configs:
                  - targets: ['127.0.0.1:{port}']
            """);

        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            $"--config.file={config}",
            $"--storage.tsdb.path={Path.Combine(_dataDirectory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
            $"--web.external-url=http://127.0.0.1:{port}{RoutePrefix}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start prometheus");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        BaseUrl = new Uri($"http://127.0.0.1:{port}{RoutePrefix}");

        // Ready once the first self-scrape is queryable: poll with a deadline, no fixed sleep.
        using var http = new HttpClient();
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            if (TimeProvider.System.GetElapsedTime(started) > TimeSpan.FromSeconds(30) || _process.HasExited)
            {
                throw new InvalidOperationException("Prometheus did not become ready within 30 s");
            }

            try
            {
                var body = await http.GetStringAsync(new Uri(BaseUrl, $"{RoutePrefix}/api/v1/query?query=up"));
                if (body.Contains("\"value\"", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
