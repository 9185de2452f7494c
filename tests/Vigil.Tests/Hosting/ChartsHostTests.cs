using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;
using Vigil.Charts.Grpc.Contract;
using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Exposition;
using Vigil.Hosting;
using Vigil.Core.Series;
using Vigil.Pipeline.History;
using Vigil.Pipeline.Replay;
using Vigil.Pipeline.Verdicts;

using Vigil.Tests.Support;

namespace Vigil.Tests.Hosting;

/// <summary>
/// Charts and the visualization gRPC service on the real host running the embedded demo, with a real HTTP client and a
/// real gRPC client (Grpc.Net.Client over plaintext HTTP/2). Each test starts its own host.
/// </summary>
public sealed class ChartsHostTests
{
    private const string Series = "{service=\"checkout\"}";

    [Fact]
    public async Task GetChart_DemoSeries_IsAPngOfTheRequestedSize()
    {
        await using var host = await StartAsync();
        using var http = Client(host);

        using var response = await http.GetAsync($"/api/v1/charts/replay-requests?series={Uri.EscapeDataString(Series)}&width=900&height=450");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("history", response.Headers.GetValues("Vigil-Chart-Origin").Single());
        using var bitmap = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.NotNull(bitmap);
        Assert.Equal(900, bitmap.Width);
        Assert.Equal(450, bitmap.Height);
    }

    [Fact]
    public async Task GetChart_Svg_IsAnSvgDocument()
    {
        await using var host = await StartAsync();
        using var http = Client(host);

        using var response = await http.GetAsync($"/api/v1/charts/replay-latency?series={Uri.EscapeDataString(Series)}&format=svg&width=600&height=300");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType!.MediaType);
        var root = System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal("svg", root.Name.LocalName);
    }

    [Fact]
    public async Task GetChart_RangeOlderThanTheHistory_IsRescoredFromTheJobsSource()
    {
        await using var host = await StartAsync();
        using var http = Client(host);
        var runner = host.Services.GetRequiredService<IReadOnlyList<Vigil.Pipeline.Jobs.JobRunner>>().Single(r => r.Name == "replay-queue");
        var to = runner.DataClock.GetUtcNow();
        var from = to - TimeSpan.FromHours(6);

        using var response = await http.GetAsync($"/api/v1/charts/replay-queue?series={Uri.EscapeDataString(Series)}&from={from.ToUnixTimeSeconds()}&to={to.ToUnixTimeSeconds()}&width=400&height=200");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("rescored", response.Headers.GetValues("Vigil-Chart-Origin").Single());
        using var bitmap = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(400, bitmap.Width);
    }

    [Fact]
    public async Task Restart_WithStateDir_KeepsTheChartHistory()
    {
        using var state = new TempDirectory();
        Labels series;
        IReadOnlyList<HistoryPoint> before;
        await using (var first = await StartAsync(s => s with { StateDirectory = state.Path }))
        {
            await first.StopAsync(); // the scheduler's stop writes every job's snapshot
            var history = first.Services.GetRequiredService<IRecentHistory>();
            series = history.Series("replay-requests").First(l => l.Get("service") == "checkout");
            before = history.Query("replay-requests", series, long.MinValue, long.MaxValue);
        }

        await using var second = await StartAsync(s => s with { StateDirectory = state.Path });
        var after = second.Services.GetRequiredService<IRecentHistory>().Query("replay-requests", series, long.MinValue, long.MaxValue);

        Assert.NotEmpty(before);
        Assert.Equal(before, after.Take(before.Count));
        Assert.True(after.Count > before.Count, "the restarted job appends after the restored history");
    }

    [Theory]
    [InlineData("/api/v1/charts/no-such-job", HttpStatusCode.NotFound, "job: no job 'no-such-job'")]
    [InlineData("/api/v1/charts/replay-requests", HttpStatusCode.BadRequest, "matches 3 series")]
    [InlineData("/api/v1/charts/replay-requests?series=%7Bservice%3D%22nope%22%7D", HttpStatusCode.NotFound, "series: no series")]
    [InlineData("/api/v1/charts/replay-requests?series=%7Bservice%3D%22checkout%22%7D&width=100000", HttpStatusCode.BadRequest, "width: must be from 200 to 4000")]
    [InlineData("/api/v1/charts/replay-requests?series=%7Bservice%3D%22checkout%22%7D&height=abc", HttpStatusCode.BadRequest, "height: must be a whole number")]
    [InlineData("/api/v1/charts/replay-requests?series=%7Bservice%3D%22checkout%22%7D&format=gif", HttpStatusCode.BadRequest, "format: must be png or svg")]
    [InlineData("/api/v1/charts/replay-requests?series=%7Bservice%3D%22checkout%22%7D&from=2000&to=1000", HttpStatusCode.BadRequest, "from: must not be after to")]
    [InlineData("/api/v1/charts/replay-requests?series=%7Bservice%3D%22checkout%22%7D&from=1000&to=1000", HttpStatusCode.BadRequest, "the range is empty")]
    [InlineData("/api/v1/charts/replay-requests?series=%7Bservice%3D%22checkout%22%7D&from=yesterday", HttpStatusCode.BadRequest, "from: 'yesterday'")]
    [InlineData("/api/v1/charts/replay-requests?series=%7Bservice%3D%22checkout%22%7D&tz=Mars%2FOlympus", HttpStatusCode.BadRequest, "tz: 'Mars/Olympus'")]
    [InlineData("/api/v1/charts/replay-requests?series=service%3D", HttpStatusCode.BadRequest, "series: ")]
    [InlineData("/api/v1/charts/replay-requests?series=%7Bservice%3D%22checkout%22%7D&from=86400", HttpStatusCode.BadRequest, "at most 11000 steps")]
    [InlineData("/api/v1/metrics/signups/chart", HttpStatusCode.NotFound, "business metrics are not configured")]
    public async Task GetChart_BadInput_IsA4xxWithAMessage(string path, HttpStatusCode status, string message)
    {
        await using var host = await StartAsync();
        using var http = Client(host);

        using var response = await http.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(message, body.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        // The caller's mistakes are not Vigil's errors (the series exists at 0 from the start: it must still be 0).
        Assert.Contains("vigil_errors_total{error_type=\"chart_render\"} 0\n", await http.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetChart_ReadTokenConfigured_NeedsTheToken()
    {
        const string token = "read-token-0123456789";
        await using var host = await StartAsync(server => server with { Auth = new ApiAuthOptions { ReadToken = token } });
        using var http = Client(host);
        var path = $"/api/v1/charts/replay-requests?series={Uri.EscapeDataString(Series)}";

        using var anonymous = await http.GetAsync(path);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", token);
        using var authorized = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
    }

    [Fact]
    public async Task GenerateChart_RealGrpcClient_ReturnsA1200By600Png()
    {
        var port = ServerProcess.FreePort();
        await using var host = await StartAsync(server => server with { GrpcPort = port });
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new VisualizationService.VisualizationServiceClient(channel);
        var request = new ChartRequest { MetricName = "orders_per_minute" };
        for (var i = 0; i < 240; i++)
        {
            request.DataPoints.Add(new TimeseriesPoint { TimestampSeconds = 1_767_225_600 + (i * 60), Value = 100 + (i % 13) });
        }

        request.AnomalyPoints.Add(new AnomalyPoint { TimestampSeconds = 1_767_225_600 + (120 * 60), Value = 180 });

        var response = await client.GenerateChartAsync(request);

        using var bitmap = SKBitmap.Decode(response.ImagePng.ToByteArray());
        Assert.NotNull(bitmap);
        Assert.Equal(1200, bitmap.Width);
        Assert.Equal(600, bitmap.Height);
    }

    [Fact]
    public async Task GenerateChart_EmptyDataPoints_IsInvalidArgumentWithTheDocumentsMessage()
    {
        var port = ServerProcess.FreePort();
        await using var host = await StartAsync(server => server with { GrpcPort = port });
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new VisualizationService.VisualizationServiceClient(channel);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await client.GenerateChartAsync(new ChartRequest { MetricName = "orders" }));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("Data points cannot be empty.", ex.Status.Detail);
    }

    private static HttpClient Client(WebApplication host) => new() { BaseAddress = new Uri(host.Urls.First()) };

    /// <summary>The demo host, returned once every replay job has published a scored point (so each has history).</summary>
    private static async Task<WebApplication> StartAsync(Func<ServerOptions, ServerOptions>? server = null)
    {
        var serverOptions = new ServerOptions { ListenAddress = "127.0.0.1", Port = 0, ShutdownGrace = TimeSpan.FromSeconds(2) };
        var options = new VigilOptions
        {
            Server = server?.Invoke(serverOptions) ?? serverOptions,
            Replay = new ReplayOptions { Speed = 600 },
            Jobs = [.. ReplayDefaults.Jobs(TimeSpan.FromMinutes(1))],
            Logging = new LoggingOptions { Level = "Warning" },
            IsEmbeddedDemo = true,
        };
        var host = VigilHost.Build(options);
        var signal = new AllSourcesScored([.. options.Jobs.Select(j => j.Name)]);
        host.Services.GetRequiredService<VerdictPublisher>().Subscribe(signal);
        await host.StartAsync();
        await signal.Completed.WaitAsync(TimeSpan.FromSeconds(60));
        return host;
    }
}
