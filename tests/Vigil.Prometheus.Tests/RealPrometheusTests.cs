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
