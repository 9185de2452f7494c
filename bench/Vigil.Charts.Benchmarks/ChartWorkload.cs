using System.Globalization;
using System.Text;
using Vigil.Charts.Rendering;

namespace Vigil.Charts.Benchmarks;

/// <summary>
/// The benchmark chart: 10,000 one-minute points (about a week) of a daily sine with noise, an expected line and a
/// ±3 band, and every point more than 3 from the expected value marked (about 1%), from a fixed seed so both renderers
/// draw exactly the same data.
/// </summary>
internal static class ChartWorkload
{
    public const int Points = 10_000;
    public const int Width = 1200;
    public const int Height = 600;
    private const long Start = 1_767_225_600_000; // 2026-01-01T00:00:00Z

    public static ChartData Create()
    {
        var random = new Random(42);
        var points = new ScoredChartPoint[Points];
        for (var i = 0; i < Points; i++)
        {
            var expected = 100 + (20 * Math.Sin(2 * Math.PI * i / 1440.0));
            var noise = (random.NextDouble() - 0.5) * 4;
            var spike = random.NextDouble() < 0.01 ? (random.NextDouble() < 0.5 ? -12 : 12) : 0;
            var value = expected + noise + spike;
            points[i] = new ScoredChartPoint(Start + (i * 60_000L), value, expected, expected - 3, expected + 3, Math.Abs(value - expected) / 3);
        }

        return ChartData.FromScored("Metric Analysis: orders_per_minute", "orders_per_minute", points);
    }

    /// <summary>timestamp_ms,value,expected,lower,upper,anomaly for the matplotlib script.</summary>
    public static string WriteCsv(ChartData data)
    {
        var anomalies = data.Anomalies.Select(a => a.TimestampMs).ToHashSet();
        var path = Path.Combine(Path.GetTempPath(), $"vigil-chart-bench-{Environment.ProcessId}.csv");
        var text = new StringBuilder("timestamp_ms,value,expected,lower,upper,anomaly\n");
        foreach (var p in data.Points)
        {
            text.Append(CultureInfo.InvariantCulture, $"{p.TimestampMs},{p.Value:R},{p.Expected:R},{p.Lower:R},{p.Upper:R},{(anomalies.Contains(p.TimestampMs) ? 1 : 0)}\n");
        }

        File.WriteAllText(path, text.ToString());
        return path;
    }
}
