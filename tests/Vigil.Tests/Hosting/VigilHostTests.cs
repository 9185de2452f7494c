using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Vigil.Configuration;
using Vigil.Hosting;
using Vigil.Replay;
using Vigil.Tests.Support;

namespace Vigil.Tests.Hosting;

/// <summary>The real host on a loopback port, running the embedded replay at high speed.</summary>
public sealed class VigilHostTests
{
    [Fact]
    public async Task Metrics_LiveOutput_PassesPromtoolCheck()
    {
        await using var host = await StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(host.Urls.First()) };
        var text = await WaitForScoresAsync(http);

        var (exit, output) = await ServerProcess.RunAsync("/usr/bin/promtool", text, "check", "metrics");

        Assert.True(exit == 0, output);
        Assert.Equal(string.Empty, output.Trim());
        Assert.Contains("# TYPE vigil_cycle_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("vigil_cycle_duration_seconds_bucket{job=\"replay-requests\",le=\"+Inf\"}", text, StringComparison.Ordinal);
        Assert.Contains("process_resident_memory_bytes", text, StringComparison.Ordinal);
        Assert.Contains("vigil_expected_upper{job=\"replay-queue\",metric_name=\"replay_queue_depth\",service=\"checkout\"}", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthAndReadiness_AfterFirstCycle_AreOk()
    {
        await using var host = await StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(host.Urls.First()) };
        await WaitForScoresAsync(http);

        var health = await http.GetAsync("/healthz");
        var ready = await http.GetAsync("/readyz");

        Assert.True(health.IsSuccessStatusCode);
        Assert.True(ready.IsSuccessStatusCode);
        Assert.Equal(ExpositionContentType, (await http.GetAsync("/metrics")).Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Stop_WhileRunning_FinishesWithinTheGracePeriod()
    {
        var host = await StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(host.Urls.First()) };
        await WaitForScoresAsync(http);

        var watch = Stopwatch.StartNew();
        await host.StopAsync();
        await host.DisposeAsync();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(7), $"shutdown took {watch.Elapsed}");
    }

    private const string ExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static async Task<WebApplication> StartAsync()
    {
        var options = new VigilOptions
        {
            Server = new ServerOptions { ListenAddress = "127.0.0.1", Port = 0, ShutdownGrace = TimeSpan.FromSeconds(2) },
            Replay = new ReplayOptions { Speed = 600 },
            Jobs = [.. ReplayDefaults.Jobs(TimeSpan.FromMinutes(1))],
            Logging = new LoggingOptions { Level = "Warning" },
        };
        var host = VigilHost.Build(options);
        await host.StartAsync();
        return host;
    }

    private static async Task<string> WaitForScoresAsync(HttpClient http)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var text = await http.GetStringAsync("/metrics");
            // Every replay job has published (jobs start independently; the first to finish must not end the wait).
            var allJobs = ReplayDefaults.Jobs(null).All(j => text.Contains($"vigil_anomaly_score{{job=\"{j.Name}\"", StringComparison.Ordinal));
            if (allJobs || deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                return text;
            }

            await Task.Delay(100);
        }
    }
}
