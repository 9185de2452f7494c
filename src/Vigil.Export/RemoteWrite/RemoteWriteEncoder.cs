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

    // The four sorted label lists of a series, built once per series instead of once per request (issue 15 review): a
    // protobuf Label is immutable once built and may be referenced by any number of requests. Keyed weakly by the
    // series, so an entry goes when the series does.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ScoredSeries, ProtoLabel[][]> LabelLists = [];

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
        var lists = LabelLists.GetValue(scored, BuildLabelLists);
        var result = new TimeSeries[Names.Length];
        for (var i = 0; i < Names.Length; i++)
        {
            var series = new TimeSeries();
            series.Labels.AddRange(lists[i]);
            result[i] = series;
        }

        return result;
    }

    private static ProtoLabel[][] BuildLabelLists(ScoredSeries scored)
    {
        var exported = ScoreStore.ExportLabels(scored.Source, scored.Labels);
        var result = new ProtoLabel[Names.Length][];
        for (var i = 0; i < Names.Length; i++)
        {
            // The spec requires label names sorted (byte order) and unique; __name__ sorts among them like any other.
            List<(string Name, string Value)> labels = [("__name__", Names[i])];
            foreach (var label in exported)
            {
                labels.Add((label.Name, label.Value));
            }

            labels.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            result[i] = [.. labels.Select(l => new ProtoLabel { Name = l.Name, Value = l.Value })];
        }

        return result;
    }
}
