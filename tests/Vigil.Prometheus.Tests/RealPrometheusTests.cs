using Microsoft.Extensions.Logging;
using Vigil.Prometheus.Tests.TestSupport;

namespace Vigil.Prometheus.Tests;

/// <summary>End to end against a real Prometheus behind a route prefix (gzip, POST form, real error bodies).</summary>
public sealed class RealPrometheusTests(RealPrometheusFixture prometheus) : IClassFixture<RealPrometheusFixture>, IDisposable
{
    private readonly List<IDisposable> _disposables = [];

    public void Dispose()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }
    }

    [Fact]
    public async Task QueryRangeAsync_RealPrometheus_ReturnsSelfScrapedUpSeries()
    {
        var (client, _) = CreateSut();
        // Whole seconds, ending just after now: the first self-scrape may be younger than a truncated "now".
        var end = DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() + 2);

        var batch = await client.QueryRangeAsync("up", end.AddMinutes(-1), end, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(1, batch.SeriesCount);
        Assert.Equal("self", batch.GetLabels(0).Get("job"));
        Assert.Equal("up", batch.GetLabels(0).Get("__name__"));
        Assert.All(batch.GetValues(0).ToArray(), v => Assert.Equal(1, v));
        Assert.All(batch.GetTimestamps(0).ToArray(), t => Assert.Equal(0, t % 1000));
    }

    [Fact]
    public async Task QueryRangeAsync_CompressionOff_ReadsTheUncompressedResponse()
    {
        var (client, _) = CreateSut(o => o with { Compression = false });
        var end = DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() + 2);

        var batch = await client.QueryRangeAsync("up", end.AddMinutes(-1), end, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(1, batch.SeriesCount);
        Assert.All(batch.GetValues(0).ToArray(), v => Assert.Equal(1, v));
    }

    [Fact]
    public async Task QueryRangeAsync_LongQueryAsPost_IsAcceptedByPrometheus()
    {
        var (client, _) = CreateSut(o => o with { PostThreshold = 10 });
        var end = DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() + 2);

        var batch = await client.QueryRangeAsync("sum by (job) (up{job=~\"self|other\"})", end.AddSeconds(-30), end, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(1, batch.SeriesCount);
    }

    [Fact]
    public async Task QueryAsync_RealPrometheus_VectorScalarAndSpecialValues()
    {
        var (client, _) = CreateSut();

        var vector = await client.QueryAsync("up", time: null, CancellationToken.None);
        var scalar = await client.QueryAsync("scalar(up) * 2.5", time: null, CancellationToken.None);
        var special = await client.QueryAsync("(up - 1) / 0 or label_replace(up / 0, \"v\", \"inf\", \"\", \"\") or label_replace(-up / 0, \"v\", \"ninf\", \"\", \"\")", time: null, CancellationToken.None);

        Assert.Equal(1, vector.SampleCount);
        Assert.Equal([2.5], scalar.GetValues(0).ToArray());
        var values = Enumerable.Range(0, special.SeriesCount).Select(i => special.GetValues(i)[0]).ToArray();
        Assert.Contains(values, double.IsNaN);
        Assert.Contains(double.PositiveInfinity, values);
        Assert.Contains(double.NegativeInfinity, values);
    }

    [Fact]
    public async Task QueryRangeAsync_RealBadQuery_ThrowsBadDataOnce()
    {
        var (client, logger) = CreateSut(o => o with { MaxRetries = 3 });
        var now = TimeProvider.System.GetUtcNow();

        var ex = await Assert.ThrowsAsync<PrometheusApiException>(() => client.QueryRangeAsync("sum(", now.AddMinutes(-1), now, TimeSpan.FromSeconds(15), CancellationToken.None));

        Assert.Equal("bad_data", ex.ApiErrorType);
        Assert.Equal(400, ex.StatusCode);
        Assert.DoesNotContain(logger.Entries, e => e.EventId.Id == 1002);
    }

    [Fact]
    public async Task QueryRangeAsync_TooManyPoints_SurfacesPrometheusReason()
    {
        var (client, _) = CreateSut();
        var now = TimeProvider.System.GetUtcNow();

        var ex = await Assert.ThrowsAsync<PrometheusApiException>(() => client.QueryRangeAsync("up", now.AddDays(-1), now, TimeSpan.FromSeconds(1), CancellationToken.None));

        Assert.Equal("bad_data", ex.ApiErrorType);
        Assert.Contains("exceeded maximum resolution", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("up")]
    [InlineData("{__name__=~\"prometheus_tsdb_head_.*|prometheus_http_requests_total\", job=\"self\"}")]
    public async Task QueryRangeAsync_RemoteRead_GivesTheSamePointsAsTheQueryApi(string selector)
    {
        var (query, _) = CreateSut();
        var (read, _) = CreateSut(o => o with { Protocol = PrometheusProtocol.RemoteRead });
        // Ending in the past, so both reads see the same stored samples (a scrape landing between them changes nothing);
        // polled (with a deadline, no fixed sleep) until the self-scrapes reach a few seconds before now.
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var end = DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() - 3);
            var expected = await query.QueryRangeAsync(selector, end.AddMinutes(-1), end, TimeSpan.FromSeconds(1), CancellationToken.None);
            if (expected.SeriesCount == 0 || expected.GetTimestamps(0).Length < 5)
            {
                Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(30), "no self-scrapes to compare");
                await Task.Delay(500);
                continue;
            }

            var actual = await read.QueryRangeAsync(selector, end.AddMinutes(-1), end, TimeSpan.FromSeconds(1), CancellationToken.None);

            Assert.Equal(Points(expected), Points(actual));
            return;
        }
    }

    [Fact]
    public async Task QueryRangeAsync_RemoteReadBadRegex_SurfacesPrometheusReasonAfterTheRetries()
    {
        // Prometheus 2.42 answers a matcher it cannot compile with HTTP 500 (not 400 as the query API does), so the
        // client treats it as transient like any 5xx: the retries are spent, then Prometheus' own text is the error.
        var (read, _) = CreateSut(o => o with { Protocol = PrometheusProtocol.RemoteRead, MaxRetries = 1 });
        var now = TimeProvider.System.GetUtcNow();

        var ex = await Assert.ThrowsAsync<PrometheusTransportException>(() => read.QueryRangeAsync("up{job=~\"(\"}", now.AddMinutes(-1), now, TimeSpan.FromSeconds(1), CancellationToken.None));

        Assert.Equal(500, ex.StatusCode);
        Assert.Contains("missing closing )", ex.Message, StringComparison.Ordinal);
    }

    // Every point as "labels@timestamp=bits", sorted: NaN payloads and -0 compared exactly, series order ignored.
    private static List<string> Points(Vigil.Core.Series.SeriesBatch batch)
    {
        var points = new List<string>();
        for (var i = 0; i < batch.SeriesCount; i++)
        {
            var timestamps = batch.GetTimestamps(i);
            var values = batch.GetValues(i);
            for (var j = 0; j < timestamps.Length; j++)
            {
                points.Add(FormattableString.Invariant($"{batch.GetLabels(i)}@{timestamps[j]}={BitConverter.DoubleToInt64Bits(values[j]):X}"));
            }
        }

        points.Sort(StringComparer.Ordinal);
        return points;
    }

    private (PrometheusClient Client, FakeLogger<PrometheusClient> Logger) CreateSut(Func<PrometheusClientOptions, PrometheusClientOptions>? configure = null)
    {
        var defaults = new PrometheusClientOptions { BaseUrl = prometheus.BaseUrl, RetryBaseDelay = TimeSpan.FromMilliseconds(1) };
        var options = configure?.Invoke(defaults) ?? defaults;
        var http = new HttpClient(PrometheusHttpHandler.Create(options));
        _disposables.Add(http);
        var logger = new FakeLogger<PrometheusClient>();
        return (new PrometheusClient(http, options, logger, TimeProvider.System), logger);
    }
}
