using Vigil.Configuration;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Vigil.Core.Series;
using Vigil.Prometheus.Tests.TestSupport;

namespace Vigil.Prometheus.Tests;

/// <summary>The client against a real loopback HTTP server serving recorded Prometheus responses.</summary>
public sealed class PrometheusClientTests : IDisposable
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly DateTimeOffset End = Start.AddHours(1);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(60);

    private readonly List<IDisposable> _disposables = [];

    public void Dispose()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }
    }

    [Fact]
    public async Task QueryRangeAsync_RecordedMatrix_ReturnsSeriesAndSendsRangeParameters()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("matrix.json"));
        var (client, _) = CreateSut(Options(server.BaseUrl));

        var batch = await client.QueryRangeAsync("prometheus_http_request_duration_seconds_bucket", Start.AddMilliseconds(123), End, Step, CancellationToken.None);

        Assert.Equal(10, batch.SeriesCount);
        var request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/api/v1/query_range", request.Path);
        Assert.Equal("prometheus_http_request_duration_seconds_bucket", request.Param("query"));
        Assert.Equal("1700000000.123", request.Param("start"));
        Assert.Equal("1700003600", request.Param("end"));
        Assert.Equal("60", request.Param("step"));
        Assert.Null(request.Authorization);
    }

    [Fact]
    public async Task QueryRangeAsync_SameSeriesOnTheNextPoll_ReturnsTheSameLabelsInstances()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("matrix.json"));
        var (client, _) = CreateSut(Options(server.BaseUrl));

        var first = await client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None);
        var second = await client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None);

        Assert.All(Enumerable.Range(0, first.SeriesCount), i => Assert.Same(first.GetLabels(i), second.GetLabels(i)));
    }

    [Fact]
    public async Task QueryAsync_RecordedVector_ReturnsOneSamplePerSeriesAndSendsTime()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("vector.json"));
        var (client, _) = CreateSut(Options(server.BaseUrl));

        var batch = await client.QueryAsync("prometheus_http_requests_total", DateTimeOffset.FromUnixTimeMilliseconds(1795261466500), CancellationToken.None);

        Assert.Equal(2, batch.SeriesCount);
        Assert.Equal(2, batch.SampleCount);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/api/v1/query", request.Path);
        Assert.Equal("1795261466.5", request.Param("time"));
    }

    [Fact]
    public async Task QueryAsync_RecordedScalar_ReturnsOneSeriesWithEmptyLabels()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("scalar.json"));
        var (client, _) = CreateSut(Options(server.BaseUrl));

        var batch = await client.QueryAsync("scalar(count(up)) * 1.5", time: null, CancellationToken.None);

        Assert.Same(Labels.Empty, batch.GetLabels(0));
        Assert.Equal([1.5], batch.GetValues(0).ToArray());
        Assert.Null(Assert.Single(server.Requests).Param("time"));
    }

    [Fact]
    public async Task QueryAsync_RangeSelector_AcceptsMatrix()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("matrix_range_selector.json"));
        var (client, _) = CreateSut(Options(server.BaseUrl));

        var batch = await client.QueryAsync("up[3s]", time: null, CancellationToken.None);

        Assert.Equal(3, batch.SampleCount);
    }

    [Fact]
    public async Task QueryAsync_StringResult_ThrowsResponseException()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("string.json"));
        var (client, _) = CreateSut(Options(server.BaseUrl));

        var ex = await Assert.ThrowsAsync<PrometheusResponseException>(() => client.QueryAsync("\"hello\"", null, CancellationToken.None));

        Assert.Contains("unexpected resultType 'string' for query", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task QueryRangeAsync_SpecialValues_KeepsNaNAndInfinities()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("special_values.json"));
        var (client, _) = CreateSut(Options(server.BaseUrl));

        var batch = await client.QueryRangeAsync("up/0", Start, End, Step, CancellationToken.None);

        var values = Enumerable.Range(0, batch.SeriesCount).ToDictionary(i => batch.GetLabels(i).Get("v")!, i => batch.GetValues(i)[0]);
        Assert.True(double.IsNaN(values["nan"]));
        Assert.Equal(double.PositiveInfinity, values["pinf"]);
        Assert.Equal(double.NegativeInfinity, values["ninf"]);
        Assert.Equal(0.00001, values["tiny"]);
    }

    [Theory]
    [InlineData("", "/api/v1/query_range")]
    [InlineData("/", "/api/v1/query_range")]
    [InlineData("/api/v1", "/api/v1/query_range")]
    [InlineData("/api/v1/", "/api/v1/query_range")]
    [InlineData("/prometheus", "/prometheus/api/v1/query_range")]
    [InlineData("/prometheus/", "/prometheus/api/v1/query_range")]
    [InlineData("/prometheus/api/v1", "/prometheus/api/v1/query_range")]
    public async Task QueryRangeAsync_BaseUrlForms_HitTheSameEndpoint(string basePath, string expectedPath)
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("matrix.json"));
        var (client, _) = CreateSut(Options(new Uri(server.BaseUrl.GetLeftPart(UriPartial.Authority) + basePath)));

        await client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None);

        Assert.Equal(expectedPath, Assert.Single(server.Requests).Path);
    }

    [Fact]
    public async Task QueryRangeAsync_LongQuery_GoesAsFormPost()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("matrix.json"));
        var (client, _) = CreateSut(Options(server.BaseUrl, o => o with { PostThreshold = 100 }));
        var query = "sum by (job) (rate(http_requests_total{path=~\"" + string.Join('|', Enumerable.Range(0, 20).Select(i => $"/api/{i}")) + "\"}[5m]))";

        await client.QueryRangeAsync(query, Start, End, Step, CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/v1/query_range", request.Path);
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType, StringComparison.Ordinal);
        Assert.Empty(request.Query);
        Assert.Equal(query, request.Form["query"]);
        Assert.Equal("1700000000", request.Form["start"]);
        Assert.Equal("60", request.Form["step"]);
    }

    [Fact]
    public async Task QueryRangeAsync_ShortQuery_GoesAsGet()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("matrix.json"));
        var (client, _) = CreateSut(Options(server.BaseUrl, o => o with { PostThreshold = 100 }));

        await client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None);

        Assert.Equal("GET", Assert.Single(server.Requests).Method);
    }

    [Fact]
    public async Task QueryRangeAsync_BadData400_ThrowsApiExceptionWithoutRetry()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("error_bad_data.json", 400));
        var (client, logger) = CreateSut(Options(server.BaseUrl, o => o with { MaxRetries = 3 }));

        var ex = await Assert.ThrowsAsync<PrometheusApiException>(() => client.QueryRangeAsync("sum(", Start, End, Step, CancellationToken.None));

        Assert.Equal("bad_data", ex.ApiErrorType);
        Assert.Equal("invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis", ex.ApiError);
        Assert.Equal("Prometheus query failed: bad_data: invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis", ex.Message);
        Assert.Equal("prometheus_query", ex.ErrorType);
        Assert.Equal(400, ex.StatusCode);
        Assert.False(ex.IsTransient);
        Assert.Equal(1, server.RequestCount);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.EventId.Id == 1003 && e.Exception == ex);
    }

    [Fact]
    public async Task QueryRangeAsync_Execution422_ThrowsApiExceptionWithoutRetry()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("error_execution.json", 422));
        var (client, _) = CreateSut(Options(server.BaseUrl, o => o with { MaxRetries = 3 }));

        var ex = await Assert.ThrowsAsync<PrometheusApiException>(() => client.QueryRangeAsync("a + on() b", Start, End, Step, CancellationToken.None));

        Assert.Equal("execution", ex.ApiErrorType);
        Assert.Contains("many-to-many matching not allowed", ex.Message, StringComparison.Ordinal);
        Assert.Equal(422, ex.StatusCode);
        Assert.False(ex.IsTransient);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task QueryRangeAsync_Http500ThenSuccess_RetriesAndReturns()
    {
        await using var server = await FakePrometheusServer.StartAsync(
            new CannedResponse(500, "internal server error", "text/plain"),
            CannedResponse.Golden("matrix.json"));
        var (client, logger) = CreateSut(Options(server.BaseUrl));

        var batch = await client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None);

        Assert.Equal(10, batch.SeriesCount);
        Assert.Equal(2, server.RequestCount);
        var retry = Assert.Single(logger.Entries, e => e.EventId.Id == 1002);
        Assert.Equal(LogLevel.Warning, retry.Level);
        Assert.Contains("HTTP 500", retry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryRangeAsync_Http429_RetriesAfterTheDelayTheServerAsked()
    {
        await using var server = await FakePrometheusServer.StartAsync(
            new CannedResponse(429, "slow down", "text/plain", new Dictionary<string, string> { ["Retry-After"] = "3" }),
            CannedResponse.Golden("matrix.json"));
        var clock = new DelayRecordingTimeProvider();
        var (client, _) = CreateSut(Options(server.BaseUrl, o => o with { Timeout = TimeSpan.FromMinutes(5) }), clock);

        var batch = await client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None);

        Assert.Equal(10, batch.SeriesCount);
        Assert.Equal(2, server.RequestCount);
        Assert.Equal([TimeSpan.FromSeconds(3)], clock.Delays);
    }

    [Fact]
    public async Task QueryRangeAsync_Unavailable503ThenSuccess_Retries()
    {
        await using var server = await FakePrometheusServer.StartAsync(
            CannedResponse.Golden("error_unavailable.json", 503),
            CannedResponse.Golden("matrix.json"));
        var (client, _) = CreateSut(Options(server.BaseUrl));

        var batch = await client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None);

        Assert.Equal(10, batch.SeriesCount);
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task QueryRangeAsync_QueryTimeout503Persisting_ThrowsTransientApiExceptionAfterAllAttempts()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("error_timeout.json", 503));
        var (client, _) = CreateSut(Options(server.BaseUrl, o => o with { MaxRetries = 2 }));

        var ex = await Assert.ThrowsAsync<PrometheusApiException>(() => client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None));

        Assert.Equal("timeout", ex.ApiErrorType);
        Assert.True(ex.IsTransient);
        Assert.Equal(3, server.RequestCount);
    }

    [Fact]
    public async Task QueryRangeAsync_Proxy502Html_ThrowsTransportExceptionWithStatusAfterRetries()
    {
        await using var server = await FakePrometheusServer.StartAsync(new CannedResponse(502, GoldenFiles.Read("proxy_502.html"), "text/html"));
        var (client, _) = CreateSut(Options(server.BaseUrl, o => o with { MaxRetries = 2 }));

        var ex = await Assert.ThrowsAsync<PrometheusTransportException>(() => client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None));

        Assert.Equal(502, ex.StatusCode);
        Assert.True(ex.IsTransient);
        Assert.Equal("prometheus_query", ex.ErrorType);
        Assert.Contains("HTTP 502", ex.Message, StringComparison.Ordinal);
        Assert.Contains("502 Bad Gateway", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.RequestCount);
    }

    [Fact]
    public async Task QueryRangeAsync_Unauthorized401_IsNotRetried()
    {
        await using var server = await FakePrometheusServer.StartAsync(new CannedResponse(401, "Unauthorized", "text/plain"));
        var (client, _) = CreateSut(Options(server.BaseUrl, o => o with { MaxRetries = 3 }));

        var ex = await Assert.ThrowsAsync<PrometheusTransportException>(() => client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None));

        Assert.Equal(401, ex.StatusCode);
        Assert.False(ex.IsTransient);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task QueryRangeAsync_RetriesExhausted_BacksOffExponentiallyOnTheInjectedClock()
    {
        await using var server = await FakePrometheusServer.StartAsync(new CannedResponse(500, "boom", "text/plain"));
        var clock = new DelayRecordingTimeProvider();
        var (client, _) = CreateSut(
            Options(server.BaseUrl, o => o with { MaxRetries = 4, RetryBaseDelay = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromMinutes(5) }),
            clock);

        await Assert.ThrowsAsync<PrometheusTransportException>(() => client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None));

        Assert.Equal(5, server.RequestCount);
        var delays = clock.Delays;
        Assert.Equal(4, delays.Count);

        // Equal jitter: retry n waits between half and all of min(base * 2^n, 10 s).
        double[] ceilings = [1, 2, 4, 8];
        for (var i = 0; i < delays.Count; i++)
        {
            Assert.InRange(delays[i].TotalSeconds, ceilings[i] / 2, ceilings[i]);
        }
    }

    [Theory]
    [InlineData("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{}", "malformed JSON")]
    [InlineData("not json at all", "malformed JSON")]
    [InlineData("{\"status\":\"success\"}", "missing 'data'")]
    [InlineData("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}", "unexpected resultType 'vector' for query_range (expected matrix)")]
    [InlineData("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[[1,\"x\"]]}]}}", "unparsable sample value 'x'")]
    public async Task QueryRangeAsync_UnusableBody_ThrowsResponseExceptionWithoutRetry(string body, string expectedMessage)
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Json(body));
        var (client, _) = CreateSut(Options(server.BaseUrl, o => o with { MaxRetries = 3 }));

        var ex = await Assert.ThrowsAsync<PrometheusResponseException>(() => client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None));

        Assert.Contains(expectedMessage, ex.Message, StringComparison.Ordinal);
        Assert.Equal("prometheus_response", ex.ErrorType);
        Assert.False(ex.IsTransient);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task QueryRangeAsync_SlowerThanTimeout_ThrowsTransportExceptionAfterEveryAttemptTimedOut()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Hanging());
        var (client, _) = CreateSut(Options(server.BaseUrl, o => o with { Timeout = TimeSpan.FromMilliseconds(200), MaxRetries = 2 }));

        var ex = await Assert.ThrowsAsync<PrometheusTransportException>(() => client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None));

        Assert.Contains("timed out after 200ms", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.IsTransient);
        Assert.Null(ex.StatusCode);
        Assert.Equal(3, server.RequestCount);
    }

    [Fact]
    public async Task QueryRangeAsync_ConnectionRefused_ThrowsTransientTransportException()
    {
        var (client, _) = CreateSut(Options(new Uri($"http://127.0.0.1:{ClosedPort()}"), o => o with { MaxRetries = 1 }));

        var ex = await Assert.ThrowsAsync<PrometheusTransportException>(() => client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None));

        Assert.True(ex.IsTransient);
        Assert.Null(ex.StatusCode);
        Assert.Equal("prometheus_query", ex.ErrorType);
        Assert.IsType<HttpRequestException>(ex.InnerException);
    }

    [Fact]
    public async Task QueryRangeAsync_BearerToken_SendsAuthorizationHeaderAndNeverLogsIt()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("matrix.json"));
        var (client, logger) = CreateSut(Options(server.BaseUrl, o => o with { BearerToken = "s3cr3t-token" }));

        await client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None);

        Assert.Equal("Bearer s3cr3t-token", Assert.Single(server.Requests).Authorization);
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("s3cr3t", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QueryRangeAsync_BearerTokenFile_ReadsTrimmedTokenOnEveryRequest()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("matrix.json"));
        var tokenFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(tokenFile, "  first-token\n");
            var (client, _) = CreateSut(Options(server.BaseUrl, o => o with { BearerTokenFile = tokenFile }));

            await client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None);
            await File.WriteAllTextAsync(tokenFile, "rotated-token\n");
            await client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None);

            Assert.Equal(["Bearer first-token", "Bearer rotated-token"], server.Requests.Select(r => r.Authorization));
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    [Fact]
    public async Task QueryRangeAsync_BasicAuth_SendsAuthorizationHeaderAndNeverLogsPassword()
    {
        await using var server = await FakePrometheusServer.StartAsync(new CannedResponse(500, "boom", "text/plain"), CannedResponse.Golden("matrix.json"));
        var (client, logger) = CreateSut(Options(server.BaseUrl, o => o with { Username = "vigil", Password = "pa55word" }));

        await client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None);

        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("vigil:pa55word"));
        Assert.All(server.Requests, r => Assert.Equal(expected, r.Authorization));
        Assert.NotEmpty(logger.Entries);
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("pa55word", StringComparison.Ordinal)
            || e.Message.Contains(expected[6..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task QueryRangeAsync_CallerCancels_ThrowsOperationCanceledWithoutRetry()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Hanging());
        var (client, logger) = CreateSut(Options(server.BaseUrl, o => o with { MaxRetries = 3 }));
        using var cts = new CancellationTokenSource();

        var query = client.QueryRangeAsync("up", Start, End, Step, cts.Token);
        await server.WaitForRequestsAsync(1);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => query);
        Assert.Equal(1, server.RequestCount);
        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task QueryRangeAsync_AlreadyCancelled_SendsNothing()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("matrix.json"));
        var (client, _) = CreateSut(Options(server.BaseUrl));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.QueryRangeAsync("up", Start, End, Step, new CancellationToken(canceled: true)));

        Assert.Equal(0, server.RequestCount);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task QueryRangeAsync_ResponseLargerThanLimit_ThrowsClearResponseException(bool sendContentLength)
    {
        var body = GoldenFiles.Read("matrix.json");
        var headers = sendContentLength
            ? new Dictionary<string, string> { ["Content-Length"] = Encoding.UTF8.GetByteCount(body).ToString(System.Globalization.CultureInfo.InvariantCulture) }
            : null;
        await using var server = await FakePrometheusServer.StartAsync(new CannedResponse(200, body, "application/json", headers));
        var (client, _) = CreateSut(Options(server.BaseUrl, o => o with { MaxResponseBytes = 1000 }));

        var ex = await Assert.ThrowsAsync<PrometheusResponseException>(() => client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None));

        Assert.Contains("response too large", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxResponseBytes = 1000 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task QueryRangeAsync_ResponseExactlyAtLimit_IsAccepted()
    {
        var body = GoldenFiles.Read("matrix.json");
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Json(body));
        var (client, _) = CreateSut(Options(server.BaseUrl, o => o with { MaxResponseBytes = Encoding.UTF8.GetByteCount(body) }));

        var batch = await client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None);

        Assert.Equal(10, batch.SeriesCount);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public async Task QueryRangeAsync_LargeThenSmallThenLargeBodies_EachParsesAsItsOwnBody(bool sendContentLength, bool release)
    {
        // The client reads every body into one reused array: a later, shorter body must not see the earlier one's bytes.
        // Released batches (a job's cycle) lend their arrays to the next response: the same holds for them.
        var large = LargeMatrix(series: 3000);
        string[] bodies = [large, large, GoldenFiles.Read("matrix.json"), GoldenFiles.Read("special_values.json"), large, LargeMatrix(series: 2500), GoldenFiles.Read("matrix.json")];
        var script = bodies.Select(b => new CannedResponse(200, b, "application/json", sendContentLength
            ? new Dictionary<string, string> { ["Content-Length"] = Encoding.UTF8.GetByteCount(b).ToString(System.Globalization.CultureInfo.InvariantCulture) }
            : null)).ToArray();
        await using var server = await FakePrometheusServer.StartAsync(script);
        var (client, _) = CreateSut(Options(server.BaseUrl));

        foreach (var body in bodies)
        {
            var batch = await client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None);

            var expected = PrometheusResponseParser.Parse(Encoding.UTF8.GetBytes(body), ExpectedResult.QueryRange).Batch;
            Assert.Equal(expected.SeriesCount, batch.SeriesCount);
            for (var i = 0; i < expected.SeriesCount; i++)
            {
                Assert.Equal(expected.GetLabels(i), batch.GetLabels(i));
                Assert.Equal(expected.GetTimestamps(i).ToArray(), batch.GetTimestamps(i).ToArray());
                Assert.Equal(expected.GetValues(i).ToArray().Select(BitConverter.DoubleToInt64Bits), batch.GetValues(i).ToArray().Select(BitConverter.DoubleToInt64Bits));
            }

            if (release)
            {
                batch.Release();
            }
        }
    }

    private static string LargeMatrix(int series)
    {
        var text = new StringBuilder("""{"status":"success","data":{"resultType":"matrix","result":[""");
        for (var i = 0; i < series; i++)
        {
            text.Append(i == 0 ? "" : ",").Append(System.Globalization.CultureInfo.InvariantCulture,
                $$"""{"metric":{"__name__":"up","series":"{{i}}"},"values":[[1700000000,"{{i}}.5"],[1700000060,"{{i * 3}}"]]}""");
        }

        return text.Append("]}}").ToString();
    }

    [Fact]
    public async Task QueryRangeAsync_WarningsAndInfos_AreLoggedAsWarningsNotFatal()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("warnings.json"));
        var (client, logger) = CreateSut(Options(server.BaseUrl));

        var batch = await client.QueryRangeAsync("process_cpu_seconds", Start, End, Step, CancellationToken.None);

        Assert.Equal(1, batch.SeriesCount);
        var warning = Assert.Single(logger.Entries, e => e.EventId.Id == 1004);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("encountered a mix of histograms and floats", warning.Message, StringComparison.Ordinal);
        var info = Assert.Single(logger.Entries, e => e.EventId.Id == 1005);
        Assert.Equal(LogLevel.Warning, info.Level);
        Assert.Contains("might not be a counter", info.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryRangeAsync_NativeHistograms_SkippedAndLogged()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("histograms.json"));
        var (client, logger) = CreateSut(Options(server.BaseUrl));

        var batch = await client.QueryRangeAsync("{job=\"api\"}", Start, End, Step, CancellationToken.None);

        Assert.Equal(2, batch.SeriesCount);
        var entry = Assert.Single(logger.Entries, e => e.EventId.Id == 1006);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains("skipped 1 native-histogram-only series and 3 histogram samples", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryRangeAsync_Success_LogsDebugWithDuration()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("matrix.json"));
        var (client, logger) = CreateSut(Options(server.BaseUrl));

        await client.QueryRangeAsync("up", Start, End, Step, CancellationToken.None);

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Matches(@"query_range returned 10 series, 30 samples \(\d+ bytes\) in \d+ ms \(attempt 1\): up", entry.Message);
    }

    [Fact]
    public async Task QueryRangeAsync_InvalidArguments_ThrowBeforeSending()
    {
        await using var server = await FakePrometheusServer.StartAsync(CannedResponse.Golden("matrix.json"));
        var (client, _) = CreateSut(Options(server.BaseUrl));

        Assert.Throws<ArgumentException>(() => { _ = client.QueryRangeAsync("up", End, Start, Step, CancellationToken.None); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = client.QueryRangeAsync("up", Start, End, TimeSpan.Zero, CancellationToken.None); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = client.QueryRangeAsync("up", Start, End, TimeSpan.FromMilliseconds(-5), CancellationToken.None); });
        Assert.Throws<ArgumentException>(() => { _ = client.QueryRangeAsync(" ", Start, End, Step, CancellationToken.None); });
        Assert.Equal(0, server.RequestCount);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsListingEveryError()
    {
        var options = new PrometheusClientOptions { Timeout = TimeSpan.Zero, MaxRetries = -1 };

        var ex = Assert.Throws<ConfigException>(() => CreateSut(options));

        Assert.Contains("sources.prometheus.timeout:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("sources.prometheus.max_retries:", ex.Message, StringComparison.Ordinal);
    }

    private static PrometheusClientOptions Options(Uri baseUrl, Func<PrometheusClientOptions, PrometheusClientOptions>? configure = null)
    {
        // 1 ms back-off keeps retry tests fast on the real clock; tests about the delays use DelayRecordingTimeProvider.
        var options = new PrometheusClientOptions
        {
            BaseUrl = baseUrl,
            MaxRetries = 2,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            Timeout = TimeSpan.FromSeconds(20),
        };
        return configure?.Invoke(options) ?? options;
    }

    private (PrometheusClient Client, FakeLogger<PrometheusClient> Logger) CreateSut(PrometheusClientOptions options, TimeProvider? timeProvider = null)
    {
        var http = new HttpClient(PrometheusHttpHandler.Create(options));
        _disposables.Add(http);
        var logger = new FakeLogger<PrometheusClient>();
        return (new PrometheusClient(http, options, logger, timeProvider ?? TimeProvider.System), logger);
    }

    private static int ClosedPort()
    {
        // Bind then release: nothing listens there afterwards, so connecting is refused at once.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
