using System.Net;
using Vigil.Export.Pushgateway;
using Vigil.Testing.Time;

namespace Vigil.Export.Tests.Pushgateway;

public sealed class PushgatewayClientTests
{
    private static readonly byte[] Body = "x 1\n"u8.ToArray();

    [Fact]
    public async Task PushAsync_5xxThen200_RetriesWithDoublingBackoff()
    {
        var handler = new ScriptedHandler(HttpStatusCode.ServiceUnavailable, HttpStatusCode.BadGateway, HttpStatusCode.OK);
        var time = new DelayRecordingTimeProvider();
        var client = new PushgatewayClient(new HttpClient(handler), Options(), time);

        var result = await client.PushAsync(Body, PushMethod.Replace, CancellationToken.None);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(3, result.Attempts);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], time.Delays);
        Assert.All(handler.Requests, r => Assert.Equal("PUT http://gw:9091/prefix/metrics/job/nightly/run/7", r));
    }

    [Fact]
    public async Task PushAsync_400_IsNotRetriedAndSaysWhatTheGatewaySaid()
    {
        var handler = new ScriptedHandler(HttpStatusCode.BadRequest) { Body = "pushed metrics are invalid or inconsistent" };
        var client = new PushgatewayClient(new HttpClient(handler), Options(), new DelayRecordingTimeProvider());

        var result = await client.PushAsync(Body, PushMethod.Merge, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(1, result.Attempts);
        Assert.Contains("400", result.Error, StringComparison.Ordinal);
        Assert.Contains("inconsistent", result.Error, StringComparison.Ordinal);
        Assert.Equal("POST http://gw:9091/prefix/metrics/job/nightly/run/7", Assert.Single(handler.Requests));
    }

    [Fact]
    public async Task PushAsync_GatewayDown_FailsAfterTheRetriesWithoutThrowing()
    {
        var handler = new ScriptedHandler { Throw = true };
        var time = new DelayRecordingTimeProvider();
        var client = new PushgatewayClient(new HttpClient(handler), Options() with { MaxRetries = 2 }, time);

        var result = await client.PushAsync(Body, PushMethod.Replace, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(3, result.Attempts);
        Assert.Contains("connection refused", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteAsync_SendsDeleteToTheGroup()
    {
        var handler = new ScriptedHandler(HttpStatusCode.Accepted);
        var client = new PushgatewayClient(new HttpClient(handler), Options(), new DelayRecordingTimeProvider());

        var result = await client.DeleteAsync(CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal("DELETE http://gw:9091/prefix/metrics/job/nightly/run/7", Assert.Single(handler.Requests));
    }

    private static PushgatewayOptions Options() => new()
    {
        Url = new Uri("http://gw:9091/prefix"),
        Job = "nightly",
        GroupingLabels = new Dictionary<string, string> { ["run"] = "7" },
    };

    private sealed class ScriptedHandler(params HttpStatusCode[] statuses) : HttpMessageHandler
    {
        private int _next;

        public List<string> Requests { get; } = [];

        public string Body { get; init; } = string.Empty;

        public bool Throw { get; init; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add($"{request.Method} {request.RequestUri}");
            if (Throw)
            {
                throw new HttpRequestException("connection refused (gw:9091)");
            }

            var status = statuses[Math.Min(_next++, statuses.Length - 1)];
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(Body) });
        }
    }
}
