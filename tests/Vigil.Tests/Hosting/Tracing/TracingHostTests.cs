using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Trace;
using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Hosting;
using Vigil.Hosting.Tracing;
using Vigil.Pipeline.Replay;
using Vigil.Pipeline.Tracing;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Tests.Hosting.Tracing;

/// <summary>Tracing in the real host: off by default, OTLP over HTTP when the standard variables say so, trace ids in JSON logs.</summary>
public sealed class TracingHostTests
{
    [Fact]
    public async Task Build_NoOtelVariables_NoTracerProvider()
    {
        await using var host = VigilHost.Build(DemoOptions(new Dictionary<string, string?>()));

        // Off means no provider, so nothing listens to Vigil's sources and no span is ever created.
        Assert.Null(host.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task Run_OtlpEndpointSet_CycleSpansArriveAtTheReceiverAsHttpProtobuf()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var options = DemoOptions(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.BaseUrl,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        await using var host = VigilHost.Build(options);
        var scored = new FirstScored();
        host.Services.GetRequiredService<VerdictPublisher>().Subscribe(scored);
        await host.StartAsync();
        await scored.Completed.WaitAsync(TimeSpan.FromSeconds(60));

        // The batch processor exports on its schedule; flushing makes the test wait for the export, not the clock. The
        // first scored point is published inside its cycle, whose span ends just after: flush until a cycle span is out.
        var tracer = host.Services.GetRequiredService<TracerProvider>();
        for (var flush = 0; flush < 100 && !receiver.Requests.Any(r => Contains(r.Body, PipelineTracing.Cycle)); flush++)
        {
            Assert.True(tracer.ForceFlush(30_000));
            await Task.Yield();
        }

        await host.StopAsync();

        Assert.Contains(receiver.Requests, r => Contains(r.Body, PipelineTracing.Cycle));
        var request = receiver.Requests.First(r => Contains(r.Body, PipelineTracing.Cycle));
        Assert.Equal("/v1/traces", request.Path);
        Assert.Equal("application/x-protobuf", request.ContentType);
        Assert.NotEmpty(request.Body);
        // Whichever of the demo's jobs finished its cycle first: the three run side by side.
        Assert.True(options.Jobs.Any(j => Contains(request.Body, j.Name)), "the cycle's vigil.job attribute is in the export");
        Assert.True(Contains(request.Body, "vigil"), "service.name");
    }

    [Fact]
    public async Task Build_JsonLogging_ConsoleLinesCarryTraceAndSpanIds()
    {
        var options = DemoOptions(new Dictionary<string, string?>()) with { Logging = new LoggingOptions { Format = "json", Level = "Information" } };
        await using var host = VigilHost.Build(options);

        Assert.Contains(host.Services.GetServices<ILoggerProvider>(), p => p is TraceIdLogging.TraceIdLoggerProvider);
        Assert.DoesNotContain(host.Services.GetServices<ILoggerProvider>(), p => p is ConsoleLoggerProvider);
    }

    [Fact]
    public void JsonFormatter_WithTraceIdScopes_WritesTraceIdAndSpanIdOfTheCurrentSpan()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddJsonConsole(o => o.IncludeScopes = true));
        using var provider = services.BuildServiceProvider();
        var formatter = provider.GetServices<ConsoleFormatter>().Single(f => f.Name == ConsoleFormatterNames.Json);
        using var source = new ActivitySource("Vigil.Tests.TraceIdLogging");
        using var listener = new ActivityListener { ShouldListenTo = s => s == source, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData };
        ActivitySource.AddActivityListener(listener);
        var scopes = new TraceIdLogging.TraceIdScopes(new LoggerExternalScopeProvider());
        using var writer = new StringWriter();

        using (var activity = source.StartActivity("cycle"))
        {
            Assert.NotNull(activity);
            using var scope = scopes.Push(new Dictionary<string, object> { ["job"] = "cpu" });
            formatter.Write(new LogEntry<string>(LogLevel.Information, "Vigil", new EventId(2001), "cycle done", null, (s, _) => s), scopes, writer);

            using var json = JsonDocument.Parse(writer.ToString());
            var all = json.RootElement.GetProperty("Scopes").EnumerateArray().ToList();
            Assert.Equal(activity.TraceId.ToHexString(), all[0].GetProperty("trace_id").GetString());
            Assert.Equal(activity.SpanId.ToHexString(), all[0].GetProperty("span_id").GetString());
            Assert.Equal("cpu", all[1].GetProperty("job").GetString());
        }

        using var outside = new StringWriter();
        formatter.Write(new LogEntry<string>(LogLevel.Information, "Vigil", new EventId(2001), "no span", null, (s, _) => s), scopes, outside);
        Assert.DoesNotContain("trace_id", outside.ToString(), StringComparison.Ordinal);
    }

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    private static VigilOptions DemoOptions(Dictionary<string, string?> env)
    {
        var sections = new ConfigSections();
        sections.Set(TracingOptions.FromEnvironment(name => env.GetValueOrDefault(name), (name, message) => Assert.Fail($"{name}: {message}")));
        return new VigilOptions
        {
            Server = new ServerOptions { ListenAddress = "127.0.0.1", Port = 0, ShutdownGrace = TimeSpan.FromSeconds(2) },
            Replay = new ReplayOptions { Speed = 600 },
            Jobs = [.. ReplayDefaults.Jobs(TimeSpan.FromMinutes(1))],
            Logging = new LoggingOptions { Level = "Warning" },
            IsEmbeddedDemo = true,
            Sections = sections,
        };
    }

    /// <summary>Completes once any job has published a scored point (its cycle span has ended by then).</summary>
    private sealed class FirstScored : IVerdictSink
    {
        private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Completed => _completed.Task;

        public void Publish(VerdictBatch batch)
        {
            foreach (var point in batch.Points)
            {
                if (point.Verdict.Kind == VerdictKind.Scored)
                {
                    _completed.TrySetResult();
                    return;
                }
            }
        }
    }

    /// <summary>A minimal OTLP/HTTP receiver on a loopback port: records each request to <c>/v1/traces</c> and answers 200.</summary>
    private sealed class OtlpReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private OtlpReceiver(WebApplication app) => _app = app;

        public ConcurrentQueue<(string Path, string? ContentType, byte[] Body)> Requests { get; } = new();

        public string BaseUrl => _app.Urls.First();

        public static async Task<OtlpReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new OtlpReceiver(app);
            app.MapPost("/v1/traces", async (HttpContext http) =>
            {
                using var body = new MemoryStream();
                await http.Request.Body.CopyToAsync(body);
                receiver.Requests.Enqueue((http.Request.Path.Value!, http.Request.ContentType, body.ToArray()));
                http.Response.ContentType = "application/x-protobuf";
                return Results.Empty;
            });
            await app.StartAsync();
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
