using System.Text;
using Vigil.Core.Series;
using Vigil.Prometheus.Tests.TestSupport;

namespace Vigil.Prometheus.Tests;

public sealed class PrometheusResponseParserTests
{
    private static ParsedResponse Parse(string json, ExpectedResult? expected = null) =>
        PrometheusResponseParser.Parse(Encoding.UTF8.GetBytes(json), expected ?? ExpectedResult.QueryRange);

    private static ParsedResponse ParseGolden(string name, ExpectedResult expected) =>
        PrometheusResponseParser.Parse(GoldenFiles.ReadBytes(name), expected);

    [Theory]
    [InlineData("matrix.json", 1)]
    [InlineData("matrix.json", 30)]
    [InlineData("matrix.json", 100_000)]
    [InlineData("special_values.json", 1)]
    [InlineData("reordered.json", 2)]
    [InlineData("histograms.json", 7)]
    [InlineData("vector.json", 1)]
    [InlineData("matrix_range_selector.json", 1_000)]
    public void Parse_WithASampleCountHint_ReturnsExactlyTheUnhintedResult(string name, int expectedSamples)
    {
        // The hint only sizes the batch's arrays: too small grows them, too large wastes room, neither changes a sample.
        var expected = name.Contains("vector", StringComparison.Ordinal) || name.Contains("selector", StringComparison.Ordinal)
            ? ExpectedResult.Query
            : ExpectedResult.QueryRange;
        var plain = ParseGolden(name, expected).Batch;

        var hinted = PrometheusResponseParser.Parse(GoldenFiles.ReadBytes(name), expected, labelSets: null, expectedSamples).Batch;

        Assert.Equal(plain.SeriesCount, hinted.SeriesCount);
        Assert.Equal(plain.SampleCount, hinted.SampleCount);
        for (var i = 0; i < plain.SeriesCount; i++)
        {
            Assert.Equal(plain.GetLabels(i), hinted.GetLabels(i));
            Assert.Equal(plain.GetTimestamps(i).ToArray(), hinted.GetTimestamps(i).ToArray());
            Assert.Equal(plain.GetValues(i).ToArray().Select(BitConverter.DoubleToInt64Bits), hinted.GetValues(i).ToArray().Select(BitConverter.DoubleToInt64Bits));
        }
    }

    [Fact]
    public void Parse_RecordedMatrix_ReturnsEverySeriesWithLabelsAndSamples()
    {
        var parsed = ParseGolden("matrix.json", ExpectedResult.QueryRange);

        Assert.False(parsed.IsError);
        Assert.Equal("matrix", parsed.ResultType);
        var batch = parsed.Batch;
        Assert.Equal(10, batch.SeriesCount);
        Assert.Equal(30, batch.SampleCount);
        var first = batch.GetLabels(0);
        Assert.Equal("prometheus_http_request_duration_seconds_bucket", first.Get("__name__"));
        Assert.Equal("+Inf", first.Get("le"));
        Assert.Equal("prometheus", first.Get("job"));
        Assert.Equal(6, first.Count);
        Assert.Equal([1795261464000L, 1795261467000L, 1795261470000L], batch.GetTimestamps(0).ToArray());
        Assert.Equal([16d, 19d, 22d], batch.GetValues(0).ToArray());
    }

    [Fact]
    public void Parse_RecordedVector_ReturnsOneSamplePerSeries()
    {
        var batch = ParseGolden("vector.json", ExpectedResult.Query).Batch;

        Assert.Equal(2, batch.SeriesCount);
        Assert.Equal("/api/v1/query", batch.GetLabels(0).Get("handler"));
        Assert.Equal([1795261466500L], batch.GetTimestamps(0).ToArray());
        Assert.Equal([2d], batch.GetValues(0).ToArray());
        Assert.Equal([18d], batch.GetValues(1).ToArray());
    }

    [Fact]
    public void Parse_RecordedScalar_ReturnsOneSeriesWithEmptyLabels()
    {
        var batch = ParseGolden("scalar.json", ExpectedResult.Query).Batch;

        Assert.Equal(1, batch.SeriesCount);
        Assert.Same(Labels.Empty, batch.GetLabels(0));
        Assert.Equal([1795261466781L], batch.GetTimestamps(0).ToArray());
        Assert.Equal([1.5], batch.GetValues(0).ToArray());
    }

    [Fact]
    public void Parse_RangeSelectorFromInstantQuery_AcceptsMatrix()
    {
        var batch = ParseGolden("matrix_range_selector.json", ExpectedResult.Query).Batch;

        Assert.Equal(1, batch.SeriesCount);
        Assert.Equal([1795261463539L, 1795261464539L, 1795261465543L], batch.GetTimestamps(0).ToArray());
    }

    [Fact]
    public void Parse_EmptyVector_ReturnsEmptyBatch()
    {
        var batch = ParseGolden("empty_vector.json", ExpectedResult.Query).Batch;

        Assert.Equal(0, batch.SeriesCount);
        Assert.Equal(0, batch.SampleCount);
    }

    [Fact]
    public void Parse_StringResult_ThrowsResponseExceptionNamingTheType()
    {
        var ex = Assert.Throws<PrometheusResponseException>(() => ParseGolden("string.json", ExpectedResult.Query));

        Assert.Contains("unexpected resultType 'string' for query (expected vector, scalar or matrix)", ex.Message, StringComparison.Ordinal);
        Assert.Equal("prometheus_response", ex.ErrorType);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public void Parse_VectorForRangeQuery_ThrowsResponseException()
    {
        var ex = Assert.Throws<PrometheusResponseException>(() => ParseGolden("vector.json", ExpectedResult.QueryRange));

        Assert.Contains("unexpected resultType 'vector' for query_range (expected matrix)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SpecialValues_KeepsNaNAndInfinities()
    {
        var batch = ParseGolden("special_values.json", ExpectedResult.QueryRange).Batch;

        double[] Values(string v) => batch.GetValues(Enumerable.Range(0, batch.SeriesCount).Single(i => batch.GetLabels(i).Get("v") == v)).ToArray();
        Assert.All(Values("nan"), v => Assert.True(double.IsNaN(v)));
        Assert.All(Values("pinf"), v => Assert.Equal(double.PositiveInfinity, v));
        Assert.All(Values("ninf"), v => Assert.Equal(double.NegativeInfinity, v));
        Assert.All(Values("tiny"), v => Assert.Equal(0.00001, v));
    }

    [Fact]
    public void Parse_KeysInAnyOrder_ParsesSeriesWithSortedLabels()
    {
        var batch = ParseGolden("reordered.json", ExpectedResult.QueryRange).Batch;

        Assert.Equal(2, batch.SeriesCount);
        Assert.Equal(Labels.From(new Label("__name__", "node_load1"), new Label("instance", "a:9100"), new Label("job", "node")), batch.GetLabels(0));
        Assert.Equal(["__name__", "instance", "job"], batch.GetLabels(0).Select(l => l.Name));
        Assert.Equal([1700000000500L, 1700000015000L], batch.GetTimestamps(0).ToArray());
        Assert.Equal([1.5, 2], batch.GetValues(0).ToArray());
        Assert.Equal("b:9100", batch.GetLabels(1).Get("instance"));
        Assert.Equal([0.03, -4.25], batch.GetValues(1).ToArray());
    }

    [Fact]
    public void Parse_WarningsAndInfos_ReturnsThemWithTheResult()
    {
        var parsed = ParseGolden("warnings.json", ExpectedResult.QueryRange);

        Assert.Equal(1, parsed.Batch.SeriesCount);
        Assert.Single(parsed.Warnings, w => w.StartsWith("PromQL warning: encountered a mix", StringComparison.Ordinal));
        Assert.Single(parsed.Infos, i => i.Contains("might not be a counter", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_NativeHistogramSeries_SkipsThemAndCounts()
    {
        var parsed = ParseGolden("histograms.json", ExpectedResult.QueryRange);

        // Histogram-only series dropped; the mixed series keeps its float sample.
        Assert.Equal(2, parsed.Batch.SeriesCount);
        Assert.Equal("http_requests_total", parsed.Batch.GetLabels(0).Get("__name__"));
        Assert.Equal("mixed_metric", parsed.Batch.GetLabels(1).Get("__name__"));
        Assert.Equal([1d], parsed.Batch.GetValues(1).ToArray());
        Assert.Equal(1, parsed.SkippedHistogramSeries);
        Assert.Equal(3, parsed.SkippedHistogramSamples);
    }

    [Fact]
    public void Parse_NativeHistogramInVector_SkipsIt()
    {
        var parsed = ParseGolden("histogram_vector.json", ExpectedResult.Query);

        Assert.Equal(1, parsed.Batch.SeriesCount);
        Assert.Equal("up", parsed.Batch.GetLabels(0).Get("__name__"));
        Assert.Equal(1, parsed.SkippedHistogramSeries);
        Assert.Equal(1, parsed.SkippedHistogramSamples);
    }

    [Fact]
    public void Parse_StatusError_ReturnsErrorTypeAndMessage()
    {
        var parsed = ParseGolden("error_bad_data.json", ExpectedResult.QueryRange);

        Assert.True(parsed.IsError);
        Assert.Equal("bad_data", parsed.ErrorType);
        Assert.Equal("invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis", parsed.Error);
    }

    [Fact]
    public void Parse_ErrorOverloadWithWarnings_ThrowsApiException()
    {
        var ex = Assert.Throws<PrometheusApiException>(() =>
            PrometheusResponseParser.Parse(GoldenFiles.ReadBytes("error_execution.json"), ExpectedResult.Query, out _));

        Assert.Equal("execution", ex.ApiErrorType);
        Assert.StartsWith("Prometheus query failed: execution: found duplicate series", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeriesAfterValues_BuffersSamplesUntilLabelsArrive()
    {
        var json = """
            {"status":"success","data":{"resultType":"matrix","result":[
              {"values":[[1,"1"],[2,"2"],[3,"3"]],"metric":{"a":"1"}},
              {"metric":{"a":"2"},"values":[[1,"4"]]},
              {"values":[[5,"5"]]}
            ]}}
            """;

        var batch = Parse(json).Batch;

        Assert.Equal(3, batch.SeriesCount);
        Assert.Equal("1", batch.GetLabels(0).Get("a"));
        Assert.Equal([1000L, 2000L, 3000L], batch.GetTimestamps(0).ToArray());
        Assert.Equal([1d, 2d, 3d], batch.GetValues(0).ToArray());
        Assert.Equal([4d], batch.GetValues(1).ToArray());
        Assert.Same(Labels.Empty, batch.GetLabels(2));
        Assert.Equal([5d], batch.GetValues(2).ToArray());
    }

    [Fact]
    public void Parse_EscapedLabelValuesAndUnknownKeys_AreHandled()
    {
        var json = """
            {"status":"success","extra":{"x":[1,2,{"y":null}]},"data":{"stats":{"timings":{}},"resultType":"vector","result":[
              {"metric":{"path":"/a\"b\\c","html":"\u003cdiv\u003e","utf8":"Grüße"},"value":[1700000000,"\u0031.5"]}
            ]}}
            """;

        var batch = Parse(json, ExpectedResult.Query).Batch;

        var labels = batch.GetLabels(0);
        Assert.Equal("/a\"b\\c", labels.Get("path"));
        Assert.Equal("<div>", labels.Get("html"));
        Assert.Equal("Grüße", labels.Get("utf8"));
        Assert.Equal([1.5], batch.GetValues(0).ToArray());
    }

    [Fact]
    public void Parse_RepeatedLabelStrings_ShareInstances()
    {
        var json = """
            {"status":"success","data":{"resultType":"vector","result":[
              {"metric":{"job":"node","instance":"a"},"value":[1,"1"]},
              {"metric":{"job":"node","instance":"b"},"value":[1,"2"]}
            ]}}
            """;

        var batch = Parse(json, ExpectedResult.Query).Batch;

        Assert.Same(batch.GetLabels(0).Get("job"), batch.GetLabels(1).Get("job"));
        Assert.Same(batch.GetLabels(0)[1].Name, batch.GetLabels(1)[1].Name);
    }

    [Theory]
    [InlineData("", "malformed JSON")]
    [InlineData("<html>502</html>", "malformed JSON")]
    [InlineData("""{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"]""", "malformed JSON")]
    [InlineData("""{"status":"success"}""", "missing 'data'")]
    [InlineData("""{"data":{"resultType":"matrix","result":[]}}""", "missing 'status'")]
    [InlineData("""{"status":"success","data":{"result":[]}}""", "missing 'data.resultType'")]
    [InlineData("""{"status":"success","data":{"resultType":"matrix"}}""", "missing 'data.result'")]
    [InlineData("""{"status":"weird","data":{"resultType":"matrix","result":[]}}""", "unexpected status 'weird'")]
    [InlineData("""{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"abc"]]}]}}""", "unparsable sample value 'abc' in series 0")]
    [InlineData("""{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,""]]}]}}""", "unparsable sample value '' in series 0")]
    [InlineData("""{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,2]]}]}}""", "sample value of series 0 must be a string")]
    [InlineData("""{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[["1","2"]]}]}}""", "sample timestamp of series 0 must be a number")]
    [InlineData("""{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"2",3]]}]}}""", "exactly two elements")]
    [InlineData("""{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":1},"values":[]}]}}""", "label 'a' of series 0 must be a string")]
    [InlineData("""{"status":"success","data":{"resultType":"matrix","result":[1,"2"]}}""", "is a [timestamp, value] pair")]
    [InlineData("""{"status":"success","data":{"resultType":"matrix","result":{}}}""", "'data.result' must be an array")]
    [InlineData("""{"status":"success","data":[]}""", "'data' must be an object")]
    [InlineData("""{"status":"success","data":{"resultType":"matrix","result":[]}} {}""", "malformed JSON")]
    [InlineData("""[]""", "expected a JSON object")]
    public void Parse_BrokenBody_ThrowsResponseExceptionSayingWhat(string json, string expectedMessage)
    {
        var ex = Assert.Throws<PrometheusResponseException>(() => Parse(json));

        Assert.Contains(expectedMessage, ex.Message, StringComparison.Ordinal);
        Assert.Equal("prometheus_response", ex.ErrorType);
    }

    [Fact]
    public void Parse_UnparsableValue_NamesSeriesLabelsAndPosition()
    {
        var json = """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"x"},"values":[[1,"1"]]},{"metric":{"job":"y"},"values":[[1,"1,5"]]}]}}""";

        var ex = Assert.Throws<PrometheusResponseException>(() => Parse(json));

        Assert.Contains("unparsable sample value '1,5' in series 1 {job=\"y\"}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("in query_range response (at byte", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TruncatedRecordedBody_ThrowsResponseException()
    {
        var bytes = GoldenFiles.ReadBytes("matrix.json");

        for (var cut = 1; cut < bytes.Length; cut += 37)
        {
            var prefix = bytes.AsSpan(0, cut).ToArray();
            Assert.Throws<PrometheusResponseException>(() => PrometheusResponseParser.Parse(prefix, ExpectedResult.QueryRange));
        }
    }
}
