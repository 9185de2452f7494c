using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Vigil.Tests.EndToEnd;

/// <summary>
/// A scrape target with two series: "calm" wiggles around 100 forever; "spiky" wiggles the same way until
/// <see cref="Spike"/> is set, then jumps to 500. Values depend on the scrape count, so they are deterministic.
/// </summary>
internal sealed class FixtureTarget : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _scrapes;
    private volatile bool _spike;

    private FixtureTarget(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public bool Spike
    {
        get => _spike;
        set => _spike = value;
    }

    public static async Task<FixtureTarget> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var target = new FixtureTarget(app) { Port = port };
        app.MapGet("/metrics", (HttpContext _) =>
        {
            var n = Interlocked.Increment(ref target._scrapes);
            var wiggle = 3 * Math.Sin(n * 0.7);
            var spiky = target._spike ? 500 : 100 + wiggle;
            var text = string.Create(CultureInfo.InvariantCulture, $"# HELP fixture_value A test value.\n# TYPE fixture_value gauge\nfixture_value{{series=\"calm\"}} {100 + wiggle}\nfixture_value{{series=\"spiky\"}} {spiky}\n");
            return Results.Text(text, "text/plain; version=0.0.4");
        });
        await app.StartAsync();
        return target;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
