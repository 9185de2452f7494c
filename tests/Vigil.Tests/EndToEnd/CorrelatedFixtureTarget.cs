using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Vigil.Tests.EndToEnd;

/// <summary>
/// A scrape target with three correlated metrics per node (cpu, latency, queue all follow one hidden load that
/// oscillates between 0.2 and 0.8: mean 0.5, σ 0.21). Once <see cref="Drift"/> is set, node "bad" sits at cpu 0.15,
/// latency 85, queue 42: each value 1.65 σ from its mean, so no metric's 3-sigma band flags it, but the combination
/// (low cpu with high latency and queue) is far off the correlation.
/// Values depend on the scrape count only, so they are deterministic.
/// </summary>
internal sealed class CorrelatedFixtureTarget : IAsyncDisposable
{
    public const int Nodes = 12;

    private readonly WebApplication _app;
    private int _scrapes;
    private volatile bool _drift;

    private CorrelatedFixtureTarget(WebApplication app) => _app = app;

    public bool Drift
    {
        get => _drift;
        set => _drift = value;
    }

    public static string NodeName(int k) => k == 0 ? "bad" : $"n{k}";

    public static async Task<CorrelatedFixtureTarget> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var target = new CorrelatedFixtureTarget(app);
        app.MapGet("/metrics", (HttpContext _) => Results.Text(target.Render(Interlocked.Increment(ref target._scrapes)), "text/plain; version=0.0.4"));
        await app.StartAsync();
        return target;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private string Render(int n)
    {
        var cpu = new StringBuilder("# TYPE fixture_cpu gauge\n");
        var latency = new StringBuilder("# TYPE fixture_latency_ms gauge\n");
        var queue = new StringBuilder("# TYPE fixture_queue gauge\n");
        for (var k = 0; k < Nodes; k++)
        {
            var load = 0.5 + (0.3 * Math.Sin((0.35 * n) + (0.5 * k)));
            var (c, l, q) = k == 0 && _drift
                ? (0.15, 85.0, 42.0)
                : (load + (0.003 * Math.Sin((7.1 * n) + k)), (100 * load) + (0.3 * Math.Sin((5.3 * n) + k)), (50 * load) + (0.2 * Math.Sin((3.7 * n) + k)));
            var node = NodeName(k);
            cpu.Append(CultureInfo.InvariantCulture, $"fixture_cpu{{node=\"{node}\"}} {c}\n");
            latency.Append(CultureInfo.InvariantCulture, $"fixture_latency_ms{{node=\"{node}\"}} {l}\n");
            queue.Append(CultureInfo.InvariantCulture, $"fixture_queue{{node=\"{node}\"}} {q}\n");
        }

        return cpu.Append(latency).Append(queue).ToString();
    }
}
