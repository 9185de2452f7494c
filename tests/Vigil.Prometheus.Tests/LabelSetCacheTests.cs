using System.Text;
using Vigil.Prometheus.Tests.TestSupport;

namespace Vigil.Prometheus.Tests;

public sealed class LabelSetCacheTests
{
    [Fact]
    public void Parse_SameSeriesInALaterResponse_ReusesTheLabelsInstances()
    {
        var cache = new LabelSetCache(maxEntries: 100);
        var body = GoldenFiles.ReadBytes("matrix.json");

        var first = PrometheusResponseParser.Parse(body, ExpectedResult.QueryRange, cache).Batch;
        var second = PrometheusResponseParser.Parse(body, ExpectedResult.QueryRange, cache).Batch;

        Assert.Equal(10, cache.Count);
        for (var i = 0; i < first.SeriesCount; i++)
        {
            Assert.Same(first.GetLabels(i), second.GetLabels(i));
        }
    }

    [Fact]
    public void Add_BeyondCapacity_StartsOverInsteadOfGrowing()
    {
        var cache = new LabelSetCache(maxEntries: 4);
        var body = GoldenFiles.ReadBytes("matrix.json");

        var batch = PrometheusResponseParser.Parse(body, ExpectedResult.QueryRange, cache).Batch;

        Assert.Equal(10, batch.SeriesCount);
        Assert.InRange(cache.Count, 1, 4);
    }

    [Fact]
    public void Parse_BadLabelOnCacheMiss_ReportsPositionInTheWholeBody()
    {
        var json = """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":1},"values":[]}]}}""";

        var ex = Assert.Throws<PrometheusResponseException>(() =>
            PrometheusResponseParser.Parse(Encoding.UTF8.GetBytes(json), ExpectedResult.QueryRange, new LabelSetCache(10)));

        Assert.Contains("label 'a' of series 0 must be a string", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"(at byte {json.IndexOf("1}", StringComparison.Ordinal)})", ex.Message, StringComparison.Ordinal);
    }
}
