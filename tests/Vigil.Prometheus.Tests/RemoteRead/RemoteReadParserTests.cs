using Vigil.Prometheus.RemoteRead;
using Vigil.Prometheus.Tests.TestSupport;
using static Vigil.Prometheus.Tests.TestSupport.ReadResponseWriter;

namespace Vigil.Prometheus.Tests.RemoteRead;

/// <summary>The remote-read body evaluated at steps as PromQL evaluates a selector (Prometheus 2's closed look-back).</summary>
public sealed class RemoteReadParserTests
{
    private const long T0 = 1_700_000_000_000;

    [Fact]
    public void Parse_ScrapesEvery15sStepsOf30s_TakesTheNewestSampleAtOrBeforeEachStep()
    {
        var body = new ReadResponseWriter()
            .Series(L("__name__", "x", "i", "a"), (T0 - 15_000, 1), (T0, 2), (T0 + 15_000, 3), (T0 + 29_000, 4), (T0 + 45_000, 5))
            .Protobuf();

        var (batch, _) = Parse(body, new RemoteReadParser.Steps(T0, T0 + 60_000, 30_000, 300_000));

        Assert.Equal(1, batch.SeriesCount);
        Assert.Equal([T0, T0 + 30_000, T0 + 60_000], batch.GetTimestamps(0).ToArray());
        Assert.Equal([2.0, 4, 5], batch.GetValues(0).ToArray());
    }

    [Fact]
    public void Parse_GapLongerThanTheLookback_LeavesStepsOutAndKeepsTheEdgeSample()
    {
        // Look-back 60 s: at T0+60 s the sample of T0 is exactly 60 s old (kept, closed window); at T0+90 s it is not.
        var body = new ReadResponseWriter().Series(L("__name__", "x"), (T0, 1), (T0 + 150_000, 2)).Protobuf();

        var (batch, _) = Parse(body, new RemoteReadParser.Steps(T0, T0 + 180_000, 30_000, 60_000));

        Assert.Equal([T0, T0 + 30_000, T0 + 60_000, T0 + 150_000, T0 + 180_000], batch.GetTimestamps(0).ToArray());
        Assert.Equal([1.0, 1, 1, 2, 2], batch.GetValues(0).ToArray());
    }

    [Fact]
    public void Parse_StalenessMarker_EndsTheSeriesUntilTheNextSample()
    {
        var body = new ReadResponseWriter()
            .Series(L("__name__", "x"), (T0, 1), (T0 + 20_000, StaleNaN), (T0 + 70_000, double.NaN), (T0 + 95_000, 7))
            .Protobuf();

        var (batch, _) = Parse(body, new RemoteReadParser.Steps(T0, T0 + 120_000, 30_000, 300_000));

        // T0: 1; T0+30 s and +60 s: stale; T0+90 s: an ordinary NaN is a value; T0+120 s: 7.
        Assert.Equal([T0, T0 + 90_000, T0 + 120_000], batch.GetTimestamps(0).ToArray());
        var values = batch.GetValues(0).ToArray();
        Assert.Equal(1, values[0]);
        Assert.True(double.IsNaN(values[1]));
        Assert.Equal(7, values[2]);
    }

    [Fact]
    public void Parse_SeriesWithNoPointInTheSteps_IsLeftOutAsQueryRangeDoes()
    {
        var body = new ReadResponseWriter()
            .Series(L("__name__", "x", "i", "old"), (T0 - 400_000, 1))
            .Series(L("__name__", "x", "i", "new"), (T0, 2))
            .HistogramSeries(L("__name__", "h"))
            .Protobuf();

        var (batch, skipped) = Parse(body, new RemoteReadParser.Steps(T0, T0, 30_000, 300_000));

        Assert.Equal(1, batch.SeriesCount);
        Assert.Equal("new", batch.GetLabels(0).Get("i"));
        Assert.Equal(1, skipped);
    }

    [Fact]
    public void Parse_SameLabelsInTheNextResponse_ReturnsTheSameLabelsInstance()
    {
        var cache = new LabelSetCache(1024);
        var body = new ReadResponseWriter().Series(L("__name__", "x", "job", "j"), (T0, 1)).Protobuf();
        var steps = new RemoteReadParser.Steps(T0, T0, 30_000, 300_000);

        var first = RemoteReadParser.Parse(body, steps, cache, 16, null).Batch;
        var second = RemoteReadParser.Parse(body, steps, cache, 16, null).Batch;

        Assert.Same(first.GetLabels(0), second.GetLabels(0));
        Assert.Equal("j", first.GetLabels(0).Get("job"));
    }

    [Fact]
    public void Parse_SamplesOutOfOrder_ThrowsResponseException()
    {
        var body = new ReadResponseWriter().Series(L("__name__", "x"), (T0, 1), (T0 - 1, 2)).Protobuf();

        var ex = Assert.Throws<PrometheusResponseException>(() => Parse(body, new RemoteReadParser.Steps(T0, T0, 30_000, 300_000)));

        Assert.Contains("out of order", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TruncatedAtEveryByte_ThrowsResponseExceptionOrReadsAPrefix()
    {
        var body = new ReadResponseWriter()
            .Series(L("__name__", "x", "i", "a"), (T0, 1), (T0 + 30_000, 2))
            .Series(L("__name__", "x", "i", "b"), (T0, 3))
            .Protobuf();
        var steps = new RemoteReadParser.Steps(T0, T0 + 30_000, 30_000, 300_000);

        for (var cut = 1; cut < body.Length; cut++)
        {
            var truncated = body.AsSpan(0, cut).ToArray();
            // The outer message's length no longer fits: every cut is caught by a length check, never an index error.
            var ex = Assert.Throws<PrometheusResponseException>(() => Parse(truncated, steps));
            Assert.StartsWith("malformed remote-read response", ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x0A, 0x04, 0x0A, 0x03, 0x12, 0x01 })] // a length past the end of its message
    [InlineData(new byte[] { 0x0B })] // wire type 3 (groups)
    [InlineData(new byte[] { 0x00, 0x01 })] // field number 0
    [InlineData(new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })] // an 11-byte varint
    public void Parse_MalformedProtobuf_ThrowsResponseException(byte[] body)
    {
        var ex = Assert.Throws<PrometheusResponseException>(() => Parse(body, new RemoteReadParser.Steps(T0, T0, 30_000, 300_000)));

        Assert.Equal("prometheus_response", ex.ErrorType);
    }

    [Fact]
    public void Parse_EmptyBody_IsAnEmptyBatch()
    {
        var (batch, _) = Parse([], new RemoteReadParser.Steps(T0, T0, 30_000, 300_000));

        Assert.Equal(0, batch.SeriesCount);
    }

    private static (Core.Series.SeriesBatch Batch, int Skipped) Parse(byte[] body, RemoteReadParser.Steps steps) =>
        RemoteReadParser.Parse(body, steps, new LabelSetCache(1024), 16, null);
}
