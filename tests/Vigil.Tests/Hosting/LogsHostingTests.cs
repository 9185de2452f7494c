using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Hosting;
using Vigil.Logs.Configuration;
using Vigil.Logs.Headers;
using Vigil.Logs.Sources.Files;
using Vigil.Pipeline.Verdicts;
using Vigil.Testing;

namespace Vigil.Tests.Hosting;

/// <summary>
/// The real host with a <c>logs:</c> file source, on a fake clock: each interval closes when the test advances the
/// clock, and the test waits for that interval's batch on the verdict seam (no sleeps).
/// </summary>
public sealed class LogsHostingTests
{
    [Fact]
    public async Task LogsSection_FileSource_TemplatesOnMetricsAndInTheApi()
    {
        using var logs = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(logs.Path, "app.log"), string.Concat(
            "job 1 done in 5ms\n", "job 2 done in 7ms\n", "cache miss for key k17\n", "job 3 done in 9ms\n", "cache miss for key k18\n", "job 4 done in 3ms\n"));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var sections = new ConfigSections();
        sections.Set(new LogsOptions
        {
            Detector = new DetectorSpec("rolling_sigma", new Dictionary<string, string> { ["window"] = "4", ["min_points"] = "2" }),
            Sources = [new LogSourceOptions { Name = "app", Format = LogFormat.None, File = new FileSourceOptions { Include = [Path.Combine(logs.Path, "*.log")] } }],
        });
        var options = new VigilOptions
        {
            Server = new ServerOptions { ListenAddress = "127.0.0.1", Port = 0, ShutdownGrace = TimeSpan.FromSeconds(2) },
            Logging = new LoggingOptions { Level = "Warning" },
            Jobs = [],
            Sections = sections,
        };
        var host = VigilHost.Build(options, time);
        await using var _ = host;
        var batches = new LogBatches();
        host.Services.GetRequiredService<VerdictPublisher>().Subscribe(batches);
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(host.Urls.First()) };

        // Four intervals: the detector (min_points 2) scores from the third; the first interval has the six lines.
        for (var i = 1; i <= 4; i++)
        {
            await batches.AdvanceUntilAsync(time, i);
        }

        var metrics = await http.GetStringAsync("/metrics");
        using var api = JsonDocument.Parse(await http.GetStringAsync("/api/v1/logs/templates?source=app"));
        var unknown = await http.GetAsync("/api/v1/logs/templates?source=nope");

        Assert.Contains("vigil_log_lines_total{source=\"app\"} 6", metrics, StringComparison.Ordinal);
        Assert.Contains("vigil_log_templates{source=\"app\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("vigil_anomaly_score{job=\"logs\",source=\"app\",template_id=\"1\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("vigil_anomaly_score{job=\"logs\",source=\"app\",template_id=\"other\"}", metrics, StringComparison.Ordinal);
        var source = api.RootElement.GetProperty("sources")[0];
        Assert.Equal(6, source.GetProperty("lines").GetInt64());
        var templates = source.GetProperty("templates").EnumerateArray().ToList();
        Assert.Equal(6, templates.Sum(t => t.GetProperty("count").GetInt64()));
        Assert.Equal("job <*> done in <*>", templates[0].GetProperty("template").GetString());
        Assert.Equal(4, templates[0].GetProperty("count").GetInt64());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        await host.StopAsync();
    }

    [Fact]
    public async Task EmbeddedDemo_GeneratedLog_TemplatesServedAndTheIncidentsNewTemplateRecorded()
    {
        // Exactly what `vigil run` loads with no file and no variables, on a free port.
        using var state = new TempDirectory();
        var options = new ConfigLoader(DetectorRegistry.CreateDefault()).Load(null, new Dictionary<string, string?> { ["LISTEN_PORT"] = "0", ["VIGIL_STATE_DIR"] = state.Path });
        options = options with { Logging = new LoggingOptions { Level = "Warning" } };
        Assert.True(options.IsEmbeddedDemo);
        var host = VigilHost.Build(options);
        await using var _ = host;
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(host.Urls.First()) };

        // The replay's checkout incident starts 5 replay minutes in: 5 s of real time at the demo's 60×. Bounded polls.
        JsonElement source = default;
        JsonElement events = default;
        for (var i = 0; i < 600; i++)
        {
            using var templates = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/v1/logs/templates", UriKind.Relative)));
            using var recorded = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/v1/logs/events", UriKind.Relative)));
            source = templates.RootElement.GetProperty("sources")[0].Clone();
            events = recorded.RootElement.GetProperty("events").Clone();
            if (events.EnumerateArray().Any(e => e.GetProperty("template").GetString()!.Contains("payment gateway", StringComparison.Ordinal)))
            {
                break;
            }

            await Task.Delay(100);
        }

        await host.StopAsync();

        Assert.Equal("demo-checkout", source.GetProperty("source").GetString());
        Assert.True(source.GetProperty("lines").GetInt64() > 0);
        Assert.Equal(source.GetProperty("lines").GetInt64(), source.GetProperty("templates").EnumerateArray().Sum(t => t.GetProperty("count").GetInt64()));
        Assert.Contains(events.EnumerateArray(), e => e.GetProperty("template").GetString()!.Contains("payment gateway", StringComparison.Ordinal));
        Assert.Contains(events.EnumerateArray(), e => e.GetProperty("template").GetString()!.Contains("logged in", StringComparison.Ordinal));
    }

    /// <summary>Counts the log source's batches and lets the test wait for the n-th.</summary>
    private sealed class LogBatches : IVerdictSink
    {
        private int _count;

        public void Publish(VerdictBatch batch)
        {
            if (batch.Source == "logs")
            {
                Interlocked.Increment(ref _count);
            }
        }

        /// <summary>
        /// Advances the fake clock a minute at a time until the <paramref name="count"/>-th batch is published. One
        /// advance is not always enough: under load the service may still be finishing the previous interval and
        /// arm its next timer only after the clock moved, and then the next advance fires it. Extra intervals carry
        /// no lines, so they change no count the test asserts.
        /// </summary>
        public async Task AdvanceUntilAsync(FakeTimeProvider time, int count)
        {
            // Bounded only so that a broken build fails instead of hanging.
            for (var advance = 0; advance < 30 && Volatile.Read(ref _count) < count; advance++)
            {
                time.Advance(TimeSpan.FromMinutes(1));
                for (var i = 0; i < 400 && Volatile.Read(ref _count) < count; i++)
                {
                    await Task.Delay(5);
                }
            }

            Assert.True(Volatile.Read(ref _count) >= count, $"interval {count} was not published");
        }
    }
}
