using Vigil.Prometheus.RemoteRead;
using Vigil.Prometheus.Tests.TestSupport;
using static Vigil.Prometheus.Tests.TestSupport.ReadResponseWriter;

namespace Vigil.Prometheus.Tests.RemoteRead;

/// <summary><see cref="PrometheusClient"/> with <c>protocol: remote_read</c> against a loopback server serving protobuf bodies.</summary>
public sealed class RemoteReadClientTests : IDisposable
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);
    private static readonly long T0 = Start.ToUnixTimeMilliseconds();

    private readonly List<IDisposable> _disposables = [];

    public void Dispose()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }
    }

    [Fact]
    public async Task QueryRangeAsync_RemoteRead_PostsASnappyReadRequestFromTheLookbackToTheEnd()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Binary(new ReadResponseWriter().Snappy()));
        var client = CreateSut(server.BaseUrl, o => o with { LookbackDelta = TimeSpan.FromMinutes(2) });

        await client.QueryRangeAsync("scale_value{instance=~\"a|b\"}", Start, Start.AddMinutes(1), Step, CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/v1/read", request.Path);
        Assert.Equal("application/x-protobuf", request.ContentType);
        Assert.Equal("snappy", request.Headers["Content-Encoding"]);
        Assert.Equal("0.1.0", request.Headers["X-Prometheus-Remote-Read-Version"]);
        var decoded = new byte[SnappyBlock.DecodedLength(request.RawBody, out _)];
        SnappyBlock.Decode(request.RawBody, decoded);
        var (startMs, endMs, matchers, types) = ReadRequestFields(decoded);
        Assert.Equal(T0 - 120_000, startMs);
        Assert.Equal(T0 + 60_000, endMs);
        Assert.Equal(["0:__name__=scale_value", "2:instance=a|b"], matchers);
        Assert.Equal([0], types); // SAMPLES
    }

    [Fact]
    public async Task QueryRangeAsync_RemoteRead_ReturnsTheSelectorsPointsAtEachStep()
    {
        var body = new ReadResponseWriter()
            .Series(L("__name__", "scale_value", "series", "1"), (T0 - 10_000, 1), (T0 + 15_000, 2), (T0 + 30_000, 3))
            .Series(L("__name__", "scale_value", "series", "2"), (T0 + 5_000, 4))
            .Snappy();
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Binary(body));
        var client = CreateSut(server.BaseUrl);

        var batch = await client.QueryRangeAsync("scale_value", Start, Start.AddSeconds(30), Step, CancellationToken.None);

        Assert.Equal(2, batch.SeriesCount);
        Assert.Equal([T0, T0 + 30_000], batch.GetTimestamps(0).ToArray());
        Assert.Equal([1.0, 3], batch.GetValues(0).ToArray());
        Assert.Equal([T0 + 30_000], batch.GetTimestamps(1).ToArray());
        Assert.Equal([4.0], batch.GetValues(1).ToArray());
    }

    [Fact]
    public async Task QueryRangeAsync_RemoteReadNextCycle_ReusesTheLabelsInstances()
    {
        var body = new ReadResponseWriter().Series(L("__name__", "x", "i", "a"), (T0, 1)).Snappy();
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Binary(body));
        var client = CreateSut(server.BaseUrl);

        var first = await client.QueryRangeAsync("x", Start, Start, Step, CancellationToken.None);
        var second = await client.QueryRangeAsync("x", Start, Start, Step, CancellationToken.None);

        Assert.Same(first.GetLabels(0), second.GetLabels(0));
    }

    [Fact]
    public async Task QueryRangeAsync_RemoteReadTruncatedBody_ThrowsResponseErrorWithoutRetrying()
    {
        var protobuf = new ReadResponseWriter().Series(L("__name__", "x"), (T0, 1)).Protobuf();
        var body = SnappyBlock.EncodeLiteral(protobuf.AsSpan(0, protobuf.Length - 3));
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Binary(body));
        var client = CreateSut(server.BaseUrl);

        var ex = await Assert.ThrowsAsync<PrometheusResponseException>(() => client.QueryRangeAsync("x", Start, Start, Step, CancellationToken.None));

        Assert.Equal("prometheus_response", ex.ErrorType);
        Assert.False(ex.IsTransient);
        Assert.Contains("malformed remote-read response", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task QueryRangeAsync_RemoteReadSnappyCutShort_ThrowsResponseError()
    {
        var body = new ReadResponseWriter().Series(L("__name__", "x"), (T0, 1)).Snappy();
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Binary(body[..^4]));
        var client = CreateSut(server.BaseUrl);

        var ex = await Assert.ThrowsAsync<PrometheusResponseException>(() => client.QueryRangeAsync("x", Start, Start, Step, CancellationToken.None));

        Assert.Contains("corrupt snappy block", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryRangeAsync_RemoteReadDecodesLargerThanTheLimit_ThrowsBeforeDecoding()
    {
        var body = new ReadResponseWriter().Series(L("__name__", "x", "pad", new string('p', 5000)), (T0, 1)).Snappy();
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Binary(body));
        var client = CreateSut(server.BaseUrl, o => o with { MaxResponseBytes = 6000 });

        // The wire body (a literal block) is about as large; a compressed one would be far smaller than its decoded size.
        var tooLarge = new ReadResponseWriter().Series(L("__name__", "x", "pad", new string('p', 7000)), (T0, 1)).Snappy();
        server.Enqueue(CannedResponse.Binary(tooLarge));
        await client.QueryRangeAsync("x", Start, Start, Step, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<PrometheusResponseException>(() => client.QueryRangeAsync("x", Start, Start, Step, CancellationToken.None));

        Assert.Contains("too large", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryRangeAsync_RemoteReadSnappyClaimsMoreThanTheLimit_ThrowsTooLarge()
    {
        // A 9-byte body whose preamble claims 1 GiB: refused before any buffer of that size is taken.
        byte[] body = [0x80, 0x80, 0x80, 0x80, 0x04, 0, 0, 0, 0];
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Binary(body));
        var client = CreateSut(server.BaseUrl);

        var ex = await Assert.ThrowsAsync<PrometheusResponseException>(() => client.QueryRangeAsync("x", Start, Start, Step, CancellationToken.None));

        Assert.Contains("once decompressed exceeds MaxResponseBytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryRangeAsync_RemoteReadHtmlPage_SaysItIsNotARemoteReadEndpoint()
    {
        await using var server = await FakePrometheusServer.StartAsync(new CannedResponse(200, "<html>login</html>", "text/html"));
        var client = CreateSut(server.BaseUrl);

        var ex = await Assert.ThrowsAsync<PrometheusResponseException>(() => client.QueryRangeAsync("x", Start, Start, Step, CancellationToken.None));

        Assert.Contains("not application/x-protobuf", ex.Message, StringComparison.Ordinal);
        Assert.Contains("login", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryRangeAsync_RemoteRead500ThenSuccess_RetriesAsTheQueryApiDoes()
    {
        var body = new ReadResponseWriter().Series(L("__name__", "x"), (T0, 1)).Snappy();
        await using var server = await FakePrometheusServer.StartAsync(
            new CannedResponse(500, "remote read failed", "text/plain"),
            CannedResponse.Binary(body));
        var client = CreateSut(server.BaseUrl);

        var batch = await client.QueryRangeAsync("x", Start, Start, Step, CancellationToken.None);

        Assert.Equal(1, batch.SeriesCount);
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task QueryRangeAsync_RemoteRead400_ThrowsNonTransientWithPrometheusText()
    {
        await using var server = await FakePrometheusServer.StartAsync(new CannedResponse(400, "exceeded sample limit (50000000)", "text/plain"));
        var client = CreateSut(server.BaseUrl);

        var ex = await Assert.ThrowsAsync<PrometheusTransportException>(() => client.QueryRangeAsync("x", Start, Start, Step, CancellationToken.None));

        Assert.False(ex.IsTransient);
        Assert.Equal("prometheus_query", ex.ErrorType);
        Assert.Contains("exceeded sample limit", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task QueryRangeAsync_RemoteReadOfAFunction_AsksTheQueryApi()
    {
        // Jobs are refused a function at start-up; an inspection sensor or a chart on the same source still gets its PromQL.
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("matrix.json"));
        var client = CreateSut(server.BaseUrl);

        var batch = await client.QueryRangeAsync("rate(x[5m])", Start, Start.AddHours(1), Step, CancellationToken.None);

        Assert.Equal(10, batch.SeriesCount);
        Assert.Equal("/api/v1/query_range", Assert.Single(server.Requests).Path);
    }

    private static (long Start, long End, List<string> Matchers, List<int> Types) ReadRequestFields(byte[] request)
    {
        long start = 0, end = 0;
        var matchers = new List<string>();
        var types = new List<int>();
        var reader = new ProtoReader(request, 0);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 2)
            {
                foreach (var b in reader.BytesField())
                {
                    types.Add(b);
                }

                continue;
            }

            var query = reader.Message();
            while (query.Next(out var f, out var w))
            {
                switch (f)
                {
                    case 1: start = (long)query.Varint(); break;
                    case 2: end = (long)query.Varint(); break;
                    case 3:
                        var m = query.Message();
                        ulong type = 0;
                        string name = string.Empty, value = string.Empty;
                        while (m.Next(out var mf, out var mw))
                        {
                            switch (mf)
                            {
                                case 1: type = m.Varint(); break;
                                case 2: name = System.Text.Encoding.UTF8.GetString(m.BytesField()); break;
                                default: value = System.Text.Encoding.UTF8.GetString(m.BytesField()); break;
                            }
                        }

                        matchers.Add($"{type}:{name}={value}");
                        break;
                    default: query.Skip(w); break;
                }
            }
        }

        return (start, end, matchers, types);
    }

    private PrometheusClient CreateSut(Uri baseUrl, Func<PrometheusClientOptions, PrometheusClientOptions>? configure = null)
    {
        var options = new PrometheusClientOptions
        {
            BaseUrl = baseUrl,
            MaxRetries = 2,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            Timeout = TimeSpan.FromSeconds(20),
            Protocol = PrometheusProtocol.RemoteRead,
        };
        options = configure?.Invoke(options) ?? options;
        var http = new HttpClient(PrometheusHttpHandler.Create(options));
        _disposables.Add(http);
        return new PrometheusClient(http, options, new FakeLogger<PrometheusClient>(), TimeProvider.System);
    }
}
