using System.Globalization;
using Vigil.Backtesting;
using Vigil.Core.Detection;

namespace Vigil.Cli;

/// <summary>Scores a whole series as a stream, exactly as the live loop would (causal, point by point).</summary>
public static class OfflineDetection
{
    public const string ScoresHeader = "timestamp,value,anomaly_score,expected,lower,upper,status,test";

    /// <summary>Per-point statuses, in the order summaries list them.</summary>
    public static IReadOnlyList<string> Statuses { get; } =
    [
        "ok", "anomaly", "warmup", "invalid",
        SkippedRow.StatusOf(SkipReason.OutOfOrder), SkippedRow.StatusOf(SkipReason.Duplicate), SkippedRow.StatusOf(SkipReason.Unparseable),
    ];

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

    /// <summary>
    /// What a verdict means for a person reading the output: <c>warmup</c> (the detector is not mature yet: the score
    /// means nothing), <c>invalid</c> (NaN/±Inf, not scored), <c>anomaly</c> (score above 1) or <c>ok</c>.
    /// </summary>
    public static string StatusOf(in Verdict verdict) => verdict.Kind switch
    {
        VerdictKind.Warmup => "warmup",
        VerdictKind.Invalid => "invalid",
        _ => verdict.IsAnomaly ? "anomaly" : "ok",
    };

    /// <summary>The test that put the point outside its band: point, shift, range, novelty, variance, or empty.</summary>
    public static string TestOf(AnomalyTest test) => test switch
    {
        AnomalyTest.Point => "point",
        AnomalyTest.Shift => "shift",
        AnomalyTest.Range => "range",
        AnomalyTest.Novelty => "novelty",
        AnomalyTest.Variance => "variance",
        _ => string.Empty,
    };

    /// <summary>
    /// Writes one row per row of the input file, in file order: scored points with their verdict, and skipped rows
    /// (out of order, duplicate, unparseable) with their status and no score, so nothing silently disappears.
    /// </summary>
    public static void WriteScores(DetectionReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine(ScoresHeader);
        var data = report.Data;
        var skipped = data.Skipped;
        var next = 0;
        for (var i = 0; i <= data.Count; i++)
        {
            while (next < skipped.Count && skipped[next].Position <= i)
            {
                WriteSkipped(skipped[next++], writer);
            }

            if (i == data.Count)
            {
                break;
            }

            var v = report.Verdicts[i];
            writer.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{Time(data.TimestampsMs[i])},{data.Values[i]:R},{v.Score:R},{v.Expected:R},{v.Lower:R},{v.Upper:R},{StatusOf(v)},{(v.IsAnomaly ? TestOf(v.Test) : string.Empty)}"));
        }
    }

    private static void WriteSkipped(SkippedRow row, TextWriter writer)
    {
        var time = row.TimestampMs is { } ms ? Time(ms) : string.Empty;
        var value = row.Value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty;
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{time},{value},,,,,{row.Status},"));
    }

    private static string Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}

public sealed record DetectionReport(TimeSeriesData Data, Verdict[] Verdicts)
{
    public int Scored => Verdicts.Count(v => v.Kind == VerdictKind.Scored);

    public int Warmup => Verdicts.Count(v => v.Kind == VerdictKind.Warmup);

    public int Invalid => Verdicts.Count(v => v.Kind == VerdictKind.Invalid);

    public IEnumerable<int> AnomalyIndexes => Enumerable.Range(0, Verdicts.Length).Where(i => Verdicts[i].IsAnomaly);

    /// <summary>Rows per status (<see cref="OfflineDetection.Statuses"/> order), skipped rows included; statuses with no row are left out.</summary>
    public IReadOnlyList<(string Status, int Count)> StatusCounts()
    {
        var counts = Verdicts.Select(v => OfflineDetection.StatusOf(v)).Concat(Data.Skipped.Select(s => s.Status))
            .GroupBy(s => s, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return [.. OfflineDetection.Statuses.Where(counts.ContainsKey).Select(s => (s, counts[s]))];
    }
}
