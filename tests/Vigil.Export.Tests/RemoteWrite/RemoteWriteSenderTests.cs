using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Export.RemoteWrite;
using Vigil.Exposition;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Verdicts;
using Vigil.Testing.Time;

namespace Vigil.Export.Tests.RemoteWrite;

public sealed class RemoteWriteSenderTests
{
    private static readonly ScoredSeries Series = new("job", Labels.From([KeyValuePair.Create("instance", "a")]), "auto");

    [Fact]
    public async Task SendQueued_SendsTheSpecsHeadersAndCountsSamples()
    {
        var (sender, buffer, metrics, _, handler, _) = Create(new RemoteWriteOptions { Url = new Uri("http://rw/api/v1/write"), BearerToken = "t0ken" }, HttpStatusCode.NoContent);
        buffer.Publish(Batch(3));

        await sender.SendQueuedAsync(CancellationToken.None);

        var request = Assert.Single(handler.Requests);
        Assert.Equal("POST http://rw/api/v1/write", request.Line);
        Assert.Equal("application/x-protobuf", request.ContentType);
        Assert.Equal("snappy", request.ContentEncoding);
        Assert.Equal("0.1.0", request.Version);
        Assert.Equal("Bearer t0ken", request.Authorization);
        Assert.Equal(12, metrics.Sent);
        Assert.Equal(0, buffer.Pending);
    }

    [Fact]
    public async Task SendQueued_503Then429ThenOk_RetriesWithBackoffAndLosesNothing()
    {
        var (sender, buffer, metrics, _, handler, time) = Create(Options(), HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests, HttpStatusCode.OK);
        buffer.Publish(Batch(2));

        await sender.SendQueuedAsync(CancellationToken.None);

        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)], time.Delays);
        Assert.Equal(8, metrics.Sent);
        Assert.Equal(0, metrics.Failed);
    }

    [Fact]
    public async Task SendQueued_400_NotRetriedCountedAsFailedAndAsAnError()
    {
        var (sender, buffer, metrics, vigil, handler, _) = Create(Options(), HttpStatusCode.BadRequest);
        buffer.Publish(Batch(2));

        await sender.SendQueuedAsync(CancellationToken.None);

        Assert.Single(handler.Requests);
        Assert.Equal(8, metrics.Failed);
        Assert.Equal(1, vigil.Errors.WithLabels(ErrorTypes.RemoteWrite).Value);
    }

    [Fact]
    public async Task SendQueued_ReceiverDownPastMaxAttempts_FailsTheBatchAndGoesOnWithTheNext()
    {
        var (sender, buffer, metrics, _, handler, _) = Create(Options() with { MaxAttempts = 3, MaxPointsPerRequest = 2 }, HttpStatusCode.BadGateway, HttpStatusCode.BadGateway, HttpStatusCode.BadGateway, HttpStatusCode.OK);
        buffer.Publish(Batch(4));

        await sender.SendQueuedAsync(CancellationToken.None);

        Assert.Equal(4, handler.Requests.Count);
        Assert.Equal(8, metrics.Failed);
        Assert.Equal(8, metrics.Sent);
    }

    [Fact]
    public void Publish_QueueFull_DropsTheOldestAndCountsThem()
    {
        var (_, buffer, metrics, _, _, _) = Create(Options() with { QueueCapacity = 3 }, HttpStatusCode.OK);

        buffer.Publish(Batch(5));

        Assert.Equal(3, buffer.Pending);
        Assert.Equal(8, metrics.DroppedSamples);
        var taken = new List<ScoredPoint>();
        buffer.Take(taken, 10);
        Assert.Equal([3L, 4L, 5L], taken.Select(p => p.TimestampMs));
    }

    [Fact]
    public void Publish_WarmupAndInvalidPoints_AreNotScoresAndNotQueued()
    {
        var (_, buffer, _, _, _, _) = Create(Options(), HttpStatusCode.OK);
        var batch = new VerdictBatch("job");
        batch.Add(new ScoredPoint(Series, 1, 1, Verdict.Warmup()));
        batch.Add(new ScoredPoint(Series, 2, double.NaN, Verdict.Invalid));
        batch.Add(new ScoredPoint(Series, 3, 1, new Verdict(0.1, 1, 0, 2, VerdictKind.Scored)));

        buffer.Publish(batch);

        Assert.Equal(1, buffer.Pending);
    }

    private static RemoteWriteOptions Options() => new() { Url = new Uri("http://rw/api/v1/write") };

    private static VerdictBatch Batch(int points)
    {
        var batch = new VerdictBatch("job");
        for (var i = 1; i <= points; i++)
        {
            batch.Add(new ScoredPoint(Series, i, i, new Verdict(0.2, i, i - 1, i + 1, VerdictKind.Scored)));
        }

        return batch;
    }

    private static (RemoteWriteSender, RemoteWriteBuffer, RemoteWriteMetrics, VigilMetrics, Handler, DelayRecordingTimeProvider) Create(RemoteWriteOptions options, params HttpStatusCode[] statuses)
    {
        var registry = new MetricRegistry();
        var metrics = new RemoteWriteMetrics(registry);
        var vigil = new VigilMetrics(registry);
        var buffer = new RemoteWriteBuffer(options, metrics);
        var handler = new Handler(statuses);
        var time = new DelayRecordingTimeProvider();
        var sender = new RemoteWriteSender(new HttpClient(handler), options, buffer, metrics, vigil, time, NullLogger<RemoteWriteSender>.Instance);
        return (sender, buffer, metrics, vigil, handler, time);
    }

    private sealed record Seen(string Line, string? ContentType, string? ContentEncoding, string? Version, string? Authorization);

    private sealed class Handler(HttpStatusCode[] statuses) : HttpMessageHandler
    {
        private int _next;

        public List<Seen> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(new Seen(
                $"{request.Method} {request.RequestUri}",
                request.Content?.Headers.ContentType?.MediaType,
                string.Join(',', request.Content?.Headers.ContentEncoding ?? []),
                request.Headers.TryGetValues("X-Prometheus-Remote-Write-Version", out var v) ? v.Single() : null,
                request.Headers.Authorization?.ToString()));
            var status = statuses[Math.Min(_next++, statuses.Length - 1)];
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(status == HttpStatusCode.BadRequest ? "out of bounds" : string.Empty) });
        }
    }
}
