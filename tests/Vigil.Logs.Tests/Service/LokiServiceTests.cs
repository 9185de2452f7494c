using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Logs.Configuration;
using Vigil.Logs.Service;
using Vigil.Logs.Sources.Loki;
using Vigil.Pipeline.Telemetry;
using Vigil.Testing;

namespace Vigil.Logs.Tests.Service;

/// <summary>The Loki source loop against recorded <c>query_range</c> responses (Loki is not installable here).</summary>
public sealed class LokiServiceTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_100);

    private static string Recorded(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sources", "Loki", "recorded", name));

    private static readonly LogSourceOptions Source = new()
    {
        Name = "loki",
        Loki = new LokiOptions { Url = new Uri("http://loki.test:3100/"), Query = "{namespace=\"shop\"}", PollInterval = TimeSpan.FromSeconds(15) },
    };

    [Fact]
    public async Task LokiSource_FailedPollThenRestart_CountsTheErrorAndDoesNotRereadEntries()
    {
        using var state = new TempDirectory();
        var harness = new LogsHarness(Now);
        var loki = new RecordedLoki([(HttpStatusCode.OK, Recorded("page1.json")), (HttpStatusCode.InternalServerError, "boom")]);
        var ingestor = harness.CreateIngestor(Source, stateDirectory: state.Path);
        var sut = new LogSourceService(ingestor, TimeSpan.FromSeconds(10), harness.Metrics, harness.Telemetry, harness.Time, loki, [], NullLogger<LogSourceService>.Instance);
        await sut.StartAsync(CancellationToken.None);
        await LogsHarness.WaitUntilAsync(() => ingestor.LinesIngested == 2, "the first page");
        await harness.AdvanceUntilAsync(TimeSpan.FromSeconds(15), () => harness.ErrorCount(ErrorTypes.LogSource) >= 1, "the failed poll counted");
        await sut.StopAsync(CancellationToken.None);

        // The same entries again after a restart: at or before the saved checkpoint, so none is mined twice.
        var again = new RecordedLoki([(HttpStatusCode.OK, Recorded("page1.json"))]);
        var restarted = harness.CreateIngestor(Source, stateDirectory: state.Path);
        var second = new LogSourceService(restarted, TimeSpan.FromSeconds(10), harness.Metrics, harness.Telemetry, harness.Time, again, [], NullLogger<LogSourceService>.Instance);
        await second.StartAsync(CancellationToken.None);
        await LogsHarness.WaitUntilAsync(() => again.Requests >= 1, "the poll after the restart");
        await second.StopAsync(CancellationToken.None);

        Assert.Equal(0, restarted.LinesIngested);
        var template = Assert.Single(ingestor.Query(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).Templates);
        Assert.Equal(2, template.Count);
    }

    [Fact]
    public void LokiCheckpoint_WrittenAndRead_RoundTrips()
    {
        using var state = new TempDirectory();
        var path = state.File("loki.checkpoint");
        var checkpoint = new LokiCheckpoint(1_700_000_001_000_000_000, new HashSet<ulong> { 1, ulong.MaxValue });

        LogSourceService.WriteLokiCheckpoint(path, checkpoint);
        var read = LogSourceService.ReadLokiCheckpoint(path);

        Assert.Equal(checkpoint.TimestampNs, read.TimestampNs);
        Assert.Equal(checkpoint.SeenAtTimestamp.Order(), read.SeenAtTimestamp.Order());
        File.WriteAllText(path, "garbage");
        Assert.Throws<FormatException>(() => LogSourceService.ReadLokiCheckpoint(path));
    }

    /// <summary>Answers from a queue of recorded responses, then with an empty result; an <see cref="IHttpClientFactory"/> for the loop.</summary>
    private sealed class RecordedLoki(IEnumerable<(HttpStatusCode Status, string Body)> responses) : HttpMessageHandler, IHttpClientFactory
    {
        private readonly Queue<(HttpStatusCode Status, string Body)> _responses = new(responses);
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            var (status, body) = _responses.Count > 0 ? _responses.Dequeue() : (HttpStatusCode.OK, Recorded("empty.json"));
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body) });
        }
    }
}
