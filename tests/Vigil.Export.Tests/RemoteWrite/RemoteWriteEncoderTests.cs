using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Export.RemoteWrite;
using Vigil.Export.RemoteWrite.Protocol;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Export.Tests.RemoteWrite;

public sealed class RemoteWriteEncoderTests
{
    [Fact]
    public void Encode_TwoPointsOfOneSeries_FourSeriesWithSortedLabelsAndTheOriginalTimestamps()
    {
        var series = new ScoredSeries("api", Labels.From([KeyValuePair.Create("zone", "eu"), KeyValuePair.Create("job", "node"), KeyValuePair.Create("Instance", "a")]), "auto");
        ScoredPoint[] points =
        [
            new(series, 1_000, 5, new Verdict(0.5, 5, 4, 6, VerdictKind.Scored)),
            new(series, 61_000, 9, new Verdict(3, 5, 4, 6, VerdictKind.Scored)),
        ];

        var request = WriteRequest.Parser.ParseFrom(IronSnappy.Snappy.Decode(RemoteWriteEncoder.Encode(points)));

        Assert.Equal(4, request.Timeseries.Count);
        var names = request.Timeseries.Select(t => t.Labels.Single(l => l.Name == "__name__").Value).ToList();
        Assert.Equal(["vigil_anomaly_score", "vigil_expected_value", "vigil_expected_lower", "vigil_expected_upper"], names);
        foreach (var ts in request.Timeseries)
        {
            var labelNames = ts.Labels.Select(l => l.Name).ToList();
            Assert.Equal(labelNames.Order(StringComparer.Ordinal), labelNames);
            Assert.Equal(labelNames.Count, labelNames.Distinct(StringComparer.Ordinal).Count());
            // As on /metrics: the job is Vigil's, the series' own job is exported_job.
            Assert.Equal("api", ts.Labels.Single(l => l.Name == "job").Value);
            Assert.Equal("node", ts.Labels.Single(l => l.Name == "exported_job").Value);
            Assert.Equal([1_000L, 61_000L], ts.Samples.Select(s => s.Timestamp));
        }

        Assert.Equal([0.5, 3.0], request.Timeseries[0].Samples.Select(s => s.Value));
        Assert.Equal([6.0, 6.0], request.Timeseries[3].Samples.Select(s => s.Value));
    }

    [Fact]
    public void Build_PointsOfTwoSeriesInterleaved_EachSeriesKeepsItsOwnSamplesInOrder()
    {
        var a = new ScoredSeries("j", Labels.From([KeyValuePair.Create("s", "a")]), "auto");
        var b = new ScoredSeries("j", Labels.From([KeyValuePair.Create("s", "b")]), "auto");
        ScoredPoint[] points =
        [
            new(a, 1, 1, new Verdict(1, 1, 0, 2, VerdictKind.Scored)),
            new(b, 1, 1, new Verdict(2, 1, 0, 2, VerdictKind.Scored)),
            new(a, 2, 1, new Verdict(3, 1, 0, 2, VerdictKind.Scored)),
        ];

        var request = RemoteWriteEncoder.Build(points);

        Assert.Equal(8, request.Timeseries.Count);
        Assert.Equal([1.0, 3.0], request.Timeseries[0].Samples.Select(s => s.Value));
        Assert.Equal([2.0], request.Timeseries[4].Samples.Select(s => s.Value));
    }
}
