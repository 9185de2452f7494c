using System.Net;
using System.Text;
using System.Web;
using Vigil.Logs.Sources.Loki;

namespace Vigil.Logs.Tests.Sources.Loki;

/// <summary>
/// Against recorded <c>query_range</c> responses shaped as Loki's HTTP API documents them (Loki itself is not
/// installable here): <c>recorded/*.json</c>.
/// </summary>
public sealed class LokiSourceTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_100);

    private static string Recorded(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sources", "Loki", "recorded", name));

    private static LokiOptions Options(int limit = 5000) => new()
    {
        Url = new Uri("http://loki.test:3100/"),
        Query = "{namespace=\"shop\"}",
        Tenant = "team-a",
        Username = "vigil",
        Password = "s3cret",
        Limit = limit,
        Delay = TimeSpan.FromSeconds(10),
        InitialLookback = TimeSpan.FromMinutes(5),
    };

    [Fact]
    public async Task Poll_FirstPoll_AsksForTheLookbackWithTenantAndAuth()
    {
        var server = new RecordedLoki(Recorded("page1.json"));
        var sut = new LokiSource(new HttpClient(server), Options(), new FixedTime(Now));

        var entries = await sut.PollAsync(CancellationToken.None);

        Assert.Equal(2, entries.Count);
        var request = Assert.Single(server.Requests);
        var query = HttpUtility.ParseQueryString(request.Uri.Query);
        Assert.Equal("/loki/api/v1/query_range", request.Uri.AbsolutePath);
        Assert.Equal("{namespace=\"shop\"}", query["query"]);
        Assert.Equal("forward", query["direction"]);
        Assert.Equal("5000", query["limit"]);
        Assert.Equal(((Now.ToUnixTimeSeconds() - 310) * 1_000_000_000L).ToString(System.Globalization.CultureInfo.InvariantCulture), query["start"]);
        Assert.Equal(((Now.ToUnixTimeSeconds() - 10) * 1_000_000_000L).ToString(System.Globalization.CultureInfo.InvariantCulture), query["end"]);
        Assert.Equal("team-a", request.Tenant);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("vigil:s3cret")), request.Authorization);
    }

    [Fact]
    public async Task Poll_FullPage_ReadsNextPageAndSkipsEntriesAlreadyRead()
    {
        var server = new RecordedLoki(Recorded("page1.json"), Recorded("page2.json"));
        var sut = new LokiSource(new HttpClient(server), Options(limit: 2), new FixedTime(Now));

        var entries = await sut.PollAsync(CancellationToken.None);

        Assert.Equal(
            ["order_id=1001", "order_id=1002", "card declined", "refund issued"],
            entries.Select(e => e.Line.Contains("order placed", StringComparison.Ordinal) ? e.Line.Split(' ')[3] : e.Line.Split('"')[1]));
        Assert.Equal("1700000001000000000", HttpUtility.ParseQueryString(server.Requests[1].Uri.Query)["start"]);
        Assert.Equal(1_700_000_002_500_000_000, sut.Checkpoint.TimestampNs);
    }

    [Fact]
    public async Task Restart_FromCheckpoint_NeitherLosesNorRereads()
    {
        var first = new LokiSource(new HttpClient(new RecordedLoki(Recorded("page1.json"))), Options(), new FixedTime(Now));
        await first.PollAsync(CancellationToken.None);
        var checkpoint = first.Checkpoint;

        var server = new RecordedLoki(Recorded("page2.json"));
        var restarted = new LokiSource(new HttpClient(server), Options(), new FixedTime(Now), checkpoint);
        var entries = await restarted.PollAsync(CancellationToken.None);

        Assert.Equal(["card declined", "refund issued"], entries.Select(e => e.Line.Split('"')[1]));
        Assert.Equal("1700000001000000000", HttpUtility.ParseQueryString(server.Requests[0].Uri.Query)["start"]);
    }

    [Fact]
    public async Task Poll_ServerError_ThrowsAndKeepsCheckpoint()
    {
        var sut = new LokiSource(new HttpClient(new RecordedLoki(Recorded("page1.json"))), Options(), new FixedTime(Now));
        await sut.PollAsync(CancellationToken.None);
        var before = sut.Checkpoint;
        var failing = new LokiSource(new HttpClient(new RecordedLoki(HttpStatusCode.TooManyRequests, "too many outstanding requests")), Options(), new FixedTime(Now), before);

        var error = await Assert.ThrowsAsync<LokiException>(() => failing.PollAsync(CancellationToken.None));

        Assert.Contains("429", error.Message, StringComparison.Ordinal);
        Assert.Equal(before.TimestampNs, failing.Checkpoint.TimestampNs);
    }

    [Theory]
    [InlineData("matrix.json")]
    [InlineData(null)]
    public void Parse_NotALogStream_Throws(string? file)
    {
        var body = file is null ? "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[{\"stream\":{},\"values\":[[\"x\",\"y\"]]}]}}" : Recorded(file);

        Assert.Throws<LokiException>(() => LokiSource.Parse(body));
    }

    [Fact]
    public void Options_Invalid_EveryErrorListed()
    {
        var errors = (Options() with { Url = new Uri("ftp://x/"), Query = "rate(x[5m])", Password = null, Limit = 0 }).Validate();

        Assert.Equal(4, errors.Count);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed record Seen(Uri Uri, string? Tenant, string? Authorization);

    private sealed class RecordedLoki : HttpMessageHandler
    {
        private readonly Queue<(HttpStatusCode Status, string Body)> _responses;

        public RecordedLoki(params string[] bodies) => _responses = new(bodies.Select(b => (HttpStatusCode.OK, b)));

        public RecordedLoki(HttpStatusCode status, string body) => _responses = new([(status, body)]);

        public List<Seen> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(new Seen(request.RequestUri!, request.Headers.TryGetValues("X-Scope-OrgID", out var t) ? t.Single() : null, request.Headers.Authorization?.ToString()));
            var (status, body) = _responses.Count > 0 ? _responses.Dequeue() : (HttpStatusCode.OK, Recorded("empty.json"));
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
