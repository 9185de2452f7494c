using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Vigil.Prometheus.Tests.TestSupport;

/// <summary>A request as the server saw it.</summary>
internal sealed record RecordedRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Form,
    string? Authorization,
    string? ContentType)
{
    /// <summary>The raw body of a request that was not a form (a remote-read request), else empty.</summary>
    public byte[] RawBody { get; init; } = [];

    /// <summary>Request headers, first value each.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>A parameter from the query string or the form body, whichever carried it.</summary>
    public string? Param(string name) => Query.TryGetValue(name, out var q) ? q : Form.GetValueOrDefault(name);
}

/// <summary>What the server answers to one request.</summary>
internal sealed record CannedResponse(int Status, string Body, string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null)
{
    /// <summary>When set, the server waits for the client to abort instead of answering (a hung Prometheus).</summary>
    public bool Hang { get; init; }

    public static CannedResponse Json(string body, int status = 200) => new(status, body);

    public static CannedResponse Golden(string name, int status = 200) => new(status, GoldenFiles.Read(name));

    public static CannedResponse Hanging() => new(200, string.Empty) { Hang = true };

    /// <summary>A binary body (remote-read); <see cref="Body"/> is ignored when set.</summary>
    public byte[]? Bytes { get; init; }

    public static CannedResponse Binary(byte[] bytes, string contentType = "application/x-protobuf", int status = 200) =>
        new(status, string.Empty, contentType, new Dictionary<string, string> { ["Content-Encoding"] = "snappy" }) { Bytes = bytes };
}

/// <summary>
/// Kestrel on 127.0.0.1 with a free port that answers every request with the next scripted response (the last one
/// repeats) and records what it received. A real socket, so the client's HTTP stack, time-outs and retries run for real.
/// </summary>
internal sealed class FakePrometheusServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<CannedResponse> _script = new();
    private CannedResponse _last = CannedResponse.Json("""{"status":"success","data":{"resultType":"matrix","result":[]}}""");

    private FakePrometheusServer(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public int RequestCount => _requests.Count;

    public static Task<FakePrometheusServer> StartAsync(params CannedResponse[] script) => StartAsync(serverCertificate: null, script);

    /// <summary>Starts the server, over https with <paramref name="serverCertificate"/> when given.</summary>
    public static async Task<FakePrometheusServer> StartAsync(X509Certificate2? serverCertificate, params CannedResponse[] script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (serverCertificate is not null)
            {
                listen.UseHttps(serverCertificate);
            }
        }));
        var app = builder.Build();
        var server = new FakePrometheusServer(app);
        foreach (var response in script)
        {
            server.Enqueue(response);
        }

        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    public void Enqueue(CannedResponse response) => _script.Enqueue(response);

    /// <summary>Polls (with a deadline, no fixed sleep) until at least <paramref name="count"/> requests arrived.</summary>
    public async Task WaitForRequestsAsync(int count, TimeSpan? deadline = null)
    {
        var started = TimeProvider.System.GetTimestamp();
        var limit = deadline ?? TimeSpan.FromSeconds(10);
        while (_requests.Count < count)
        {
            if (TimeProvider.System.GetElapsedTime(started) > limit)
            {
                throw new TimeoutException($"expected {count} requests, got {_requests.Count}");
            }

            await Task.Delay(5);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var form = new Dictionary<string, string>();
        byte[] raw = [];
        if (context.Request.HasFormContentType)
        {
            foreach (var (key, value) in await context.Request.ReadFormAsync(context.RequestAborted))
            {
                form[key] = value.ToString();
            }
        }
        else
        {
            using var copy = new MemoryStream();
            await context.Request.Body.CopyToAsync(copy, context.RequestAborted);
            raw = copy.ToArray();
        }

        _requests.Enqueue(new RecordedRequest(
            context.Request.Method,
            context.Request.Path.Value ?? string.Empty,
            context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
            form,
            context.Request.Headers.Authorization.FirstOrDefault(),
            context.Request.ContentType)
        {
            RawBody = raw,
            Headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
        });

        if (_script.TryDequeue(out var next))
        {
            _last = next;
        }

        var response = next ?? _last;
        if (response.Hang)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up, as the test intends.
            }

            return;
        }

        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        if (response.Bytes is { } bytes)
        {
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
            return;
        }

        await context.Response.WriteAsync(response.Body, context.RequestAborted);
    }
}
