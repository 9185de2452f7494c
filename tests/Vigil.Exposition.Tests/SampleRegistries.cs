using Vigil.Core.Series;

namespace Vigil.Exposition.Tests;

/// <summary>Deterministic registries shared by the golden-file and promtool tests; each call builds fresh state.</summary>
internal static class SampleRegistries
{
    /// <summary>Every family type, labels that need escaping, and a custom collector using all writer overloads.</summary>
    public static MetricRegistry CreateGolden()
    {
        var registry = new MetricRegistry();

        var scrapes = registry.CreateCounter("vigil_scrapes_total", "Scrapes of the source, by outcome.", "source", "outcome");
        scrapes.WithLabels("prometheus", "ok").Inc(41);
        scrapes.WithLabels("prometheus", "ok").Inc();
        scrapes.WithLabels(@"C:\data\prom", "error").Inc(3);
        scrapes.WithLabels("say \"hi\"", "line1\nline2").Inc(0.5);
        scrapes.WithLabels("東京 ✓ 😀", "ünïcödé").Inc(1e21);

        registry.CreateCounter("vigil_restarts_total", "Restarts.");

        var scores = registry.CreateGauge("vigil_detector_score", "Help with a backslash \\ and a\nnewline and \"quotes\".", "detector");
        scores.WithLabels("nan").Set(double.NaN);
        scores.WithLabels("pos_inf").Set(double.PositiveInfinity);
        scores.WithLabels("neg_inf").Set(double.NegativeInfinity);
        scores.WithLabels("negative_zero").Set(-0.0);
        scores.WithLabels("tiny").Set(1e-05);
        scores.WithLabels("fraction").Set(1.5);
        scores.WithLabels("big_integer").Set(123456789012);
        scores.WithLabels("max").Set(double.MaxValue);
        scores.WithLabels("epsilon").Set(double.Epsilon);
        scores.WithLabels("removed").Set(1);
        scores.Remove("removed");

        var inFlight = registry.CreateGauge("vigil_queries_in_flight", "Queries currently running.").Unlabelled;
        inFlight.Inc(3);
        inFlight.Dec();

        var latency = registry.CreateHistogram("vigil_query_duration_seconds", "Query latency.", [0.01, 0.1, 1, 2.5], "query");
        foreach (var v in new[] { 0.005, 0.01, 0.05, 0.3, 2, 7 })
        {
            latency.WithLabels("up{job=\"node\"}").Observe(v);
        }

        latency.WithLabels("rate(x[5m])");

        registry.CreateHistogram("vigil_detect_duration_seconds", "Detector pass latency.", DefaultBuckets.Latency).Unlabelled.Observe(0.2);

        registry.Register(new GoldenCollector());
        return registry;
    }

    /// <summary>Collector with many series and hostile label values, the shape of Vigil's per-series score store.</summary>
    internal sealed class ManySeriesCollector(int count) : IMetricCollector
    {
        private readonly byte[][] _blocks = [.. Enumerable.Range(0, count).Select(i => ExpositionWriter.FormatLabelBlock(
        [
            new Label("job", $"job-{i % 7}"),
            new Label("instance", $"host-{i}:9100"),
            new Label("series", $"up{{path=\"C:\\\\x\\{i}\",msg=\"a\nb\"}} ünï {i}"),
            new Label("detector", i % 2 == 0 ? "rolling_sigma" : "holt_winters"),
        ]))];

        public void Collect(ExpositionWriter writer)
        {
            writer.WriteHeader("vigil_anomaly_score", "Anomaly score per series: 0 at expected, 1 at the band edge.", MetricType.Gauge);
            for (var i = 0; i < _blocks.Length; i++)
            {
                writer.WriteSample("vigil_anomaly_score", _blocks[i], i * 0.001);
            }

            writer.WriteHeader("vigil_expected_value", "Expected value per series.", MetricType.Gauge);
            for (var i = 0; i < _blocks.Length; i++)
            {
                writer.WriteSample("vigil_expected_value", _blocks[i], i % 3 == 0 ? double.NaN : i * 1e6);
            }
        }
    }

    private sealed class GoldenCollector : IMetricCollector
    {
        private static readonly byte[] Block = ExpositionWriter.FormatLabelBlock([new Label("series", "a\\b\"c\nd")]);

        public void Collect(ExpositionWriter writer)
        {
            writer.WriteHeader("vigil_series_value", "Last value seen per series.", MetricType.Untyped);
            writer.WriteSample("vigil_series_value", Block, 42);
            writer.WriteSample("vigil_series_value", [new Label("series", "on the fly \"é\""), new Label("source", "prom")], -3.25);
            writer.WriteSample("vigil_series_value", ReadOnlySpan<byte>.Empty, 0.1);

            writer.WriteHeader("vigil_custom_latency_seconds", "A histogram written by hand.", MetricType.Histogram);
            writer.WriteSample("vigil_custom_latency_seconds_bucket", Block, "le", "0.5", 1);
            writer.WriteSample("vigil_custom_latency_seconds_bucket", Block, "le", "+Inf", 2);
            writer.WriteSample("vigil_custom_latency_seconds_sum", Block, 1.75);
            writer.WriteSample("vigil_custom_latency_seconds_count", Block, 2);
        }
    }
}
