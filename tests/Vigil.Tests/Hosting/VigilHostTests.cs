using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Core.Detection;
using Vigil.Pipeline.Verdicts;
using Vigil.Configuration;
using Vigil.Hosting;
using Vigil.Pipeline.Replay;
using Vigil.Tests.Support;

namespace Vigil.Tests.Hosting;

/// <summary>
/// The real host on a loopback port, running the embedded replay at high speed. Tests wait on a signal from the
/// verdict seam (every replay job has published a score), never by polling the clock.
/// </summary>
public sealed class VigilHostTests
{
    [Fact]
    public async Task Metrics_LiveOutput_PassesPromtoolCheck()
    {
        var (host, scored) = await StartAsync();
        await using var _ = host;
        using var http = new HttpClient { BaseAddress = new Uri(host.Urls.First()) };
        var text = await WaitForScoresAsync(http, scored);

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
        var (host, scored) = await StartAsync();
        await using var _ = host;
        using var http = new HttpClient { BaseAddress = new Uri(host.Urls.First()) };
        await WaitForScoresAsync(http, scored);

        var health = await http.GetAsync("/healthz");
        var ready = await http.GetAsync("/readyz");

        Assert.True(health.IsSuccessStatusCode);
        Assert.True(ready.IsSuccessStatusCode);
        Assert.Equal(ExpositionContentType, (await http.GetAsync("/metrics")).Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Readiness_AfterFirstCycle_IsJsonWithOneEntryPerJob()
    {
        var (host, scored) = await StartAsync();
        await using var _ = host;
        using var http = new HttpClient { BaseAddress = new Uri(host.Urls.First()) };
        await WaitForScoresAsync(http, scored);

        using var ready = await http.GetAsync("/readyz");
        using var body = System.Text.Json.JsonDocument.Parse(await ready.Content.ReadAsStringAsync());

        Assert.Equal("application/json; charset=utf-8", ready.Content.Headers.ContentType!.ToString());
        Assert.Equal("ready", body.RootElement.GetProperty("status").GetString());
        var jobs = body.RootElement.GetProperty("jobs").EnumerateArray().ToList();
        Assert.NotEmpty(jobs);
        Assert.All(jobs, j => Assert.True(j.GetProperty("ready").GetBoolean()));
        Assert.All(jobs, j => Assert.Equal(0, j.GetProperty("consecutive_failures").GetInt32()));
    }

    [Fact]
    public async Task Stop_WhileRunning_FinishesWithinTheGracePeriod()
    {
        var (host, scored) = await StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(host.Urls.First()) };
        await WaitForScoresAsync(http, scored);

        var watch = Stopwatch.StartNew();
        await host.StopAsync();
        await host.DisposeAsync();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(7), $"shutdown took {watch.Elapsed}");
    }

    private const string ExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static async Task<(WebApplication Host, Task AllJobsScored)> StartAsync()
    {
        var options = new VigilOptions
        {
            Server = new ServerOptions { ListenAddress = "127.0.0.1", Port = 0, ShutdownGrace = TimeSpan.FromSeconds(2) },
            Replay = new ReplayOptions { Speed = 600 },
            Jobs = [.. ReplayDefaults.Jobs(TimeSpan.FromMinutes(1))],
            Logging = new LoggingOptions { Level = "Warning" },
        };
        var host = VigilHost.Build(options);
        var signal = new AllSourcesScored([.. options.Jobs.Select(j => j.Name)]);
        host.Services.GetRequiredService<VerdictPublisher>().Subscribe(signal);
        await host.StartAsync();
        return (host, signal.Completed);
    }

    private static async Task<string> WaitForScoresAsync(HttpClient http, Task allJobsScored)
    {
        // Every replay job has published (jobs start independently; the first to finish must not end the wait). The
        // timeout only bounds a broken build; the score store is a registered sink, so it has them before this signal.
        await allJobsScored.WaitAsync(TimeSpan.FromSeconds(60));
        return await http.GetStringAsync("/metrics");
    }
}
