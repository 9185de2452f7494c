using System.Globalization;
using Vigil.Backtesting;
using Vigil.Core.Detection;

namespace Vigil.Cli;

/// <summary>Scores a whole series as a stream, exactly as the live loop would (causal, point by point).</summary>
public static class OfflineDetection
{
    public static DetectionReport Run(TimeSeriesData data, IDetector detector)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(detector);
        var series = detector.CreateSeries();
        var verdicts = new Verdict[data.Count];
        for (var i = 0; i < data.Count; i++)
        {
            verdicts[i] = series.Observe(data.TimestampsMs[i], data.Values[i]);
        }

        return new DetectionReport(data, verdicts);
    }

    public static void WriteScores(DetectionReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine("timestamp,value,anomaly_score,expected,lower,upper,status");
        var data = report.Data;
        for (var i = 0; i < data.Count; i++)
        {
            var v = report.Verdicts[i];
            var status = v.Kind switch
            {
                VerdictKind.Warmup => "warmup",
                VerdictKind.Invalid => "invalid",
                _ => v.IsAnomaly ? "anomaly" : "normal",
            };
            writer.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{DateTimeOffset.FromUnixTimeMilliseconds(data.TimestampsMs[i]):yyyy-MM-ddTHH:mm:ssZ},{data.Values[i]:R},{v.Score:R},{v.Expected:R},{v.Lower:R},{v.Upper:R},{status}"));
        }
    }
}

public sealed record DetectionReport(TimeSeriesData Data, Verdict[] Verdicts)
{
    public int Scored => Verdicts.Count(v => v.Kind == VerdictKind.Scored);

    public int Warmup => Verdicts.Count(v => v.Kind == VerdictKind.Warmup);

    public int Invalid => Verdicts.Count(v => v.Kind == VerdictKind.Invalid);

    public IEnumerable<int> AnomalyIndexes => Enumerable.Range(0, Verdicts.Length).Where(i => Verdicts[i].IsAnomaly);
}
