using Google.Protobuf;
using Vigil.Export.RemoteWrite.Protocol;
using Vigil.Pipeline.Scores;
using Vigil.Pipeline.Verdicts;
using ProtoLabel = Vigil.Export.RemoteWrite.Protocol.Label;

namespace Vigil.Export.RemoteWrite;

/// <summary>
/// Builds the remote-write 1.0 request body: a protobuf <c>WriteRequest</c>, snappy block-compressed. Each scored point
/// becomes four samples at the point's own timestamp, in the four series Vigil exports on /metrics
/// (<c>vigil_anomaly_score</c>, <c>vigil_expected_value</c>, <c>vigil_expected_lower</c>, <c>vigil_expected_upper</c>)
/// with the same labels (<see cref="ScoreStore.ExportLabels"/>), so a range query over written history and one over
/// scraped values look alike.
/// </summary>
internal static class RemoteWriteEncoder
{
    private static readonly string[] Names = [ScoreStore.ScoreMetric, ScoreStore.ExpectedMetric, ScoreStore.LowerMetric, ScoreStore.UpperMetric];

    public static WriteRequest Build(ReadOnlySpan<ScoredPoint> points)
    {
        var request = new WriteRequest();
        // Points of one series share its four TimeSeries; a series' points keep their (time) order.
        var bySeries = new Dictionary<ScoredSeries, TimeSeries[]>(ReferenceEqualityComparer.Instance);
        foreach (ref readonly var point in points)
        {
            if (!bySeries.TryGetValue(point.Series, out var series))
            {
                series = Create(point.Series);
                bySeries.Add(point.Series, series);
                request.Timeseries.Add(series);
            }

            var verdict = point.Verdict;
            series[0].Samples.Add(new Sample { Value = verdict.Score, Timestamp = point.TimestampMs });
            series[1].Samples.Add(new Sample { Value = verdict.Expected, Timestamp = point.TimestampMs });
            series[2].Samples.Add(new Sample { Value = verdict.Lower, Timestamp = point.TimestampMs });
            series[3].Samples.Add(new Sample { Value = verdict.Upper, Timestamp = point.TimestampMs });
        }

        return request;
    }

    /// <summary>The compressed body (snappy block format, not the framed stream format, as the spec requires).</summary>
    public static byte[] Encode(ReadOnlySpan<ScoredPoint> points) => IronSnappy.Snappy.Encode(Build(points).ToByteArray());

    private static TimeSeries[] Create(ScoredSeries scored)
    {
        var exported = ScoreStore.ExportLabels(scored.Source, scored.Labels);
        var result = new TimeSeries[Names.Length];
        for (var i = 0; i < Names.Length; i++)
        {
            var series = new TimeSeries();
            // The spec requires label names sorted (byte order) and unique; __name__ sorts among them like any other.
            List<(string Name, string Value)> labels = [("__name__", Names[i])];
            foreach (var label in exported)
            {
                labels.Add((label.Name, label.Value));
            }

            labels.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            foreach (var (name, value) in labels)
            {
                series.Labels.Add(new ProtoLabel { Name = name, Value = value });
            }

            result[i] = series;
        }

        return result;
    }
}
