using System.Buffers;
using BenchmarkDotNet.Attributes;
using Vigil.Core.Series;
using Vigil.Exposition;

namespace Vigil.Benchmarks;

/// <summary>
/// /metrics render cost. The score store's shape: 100k series x 4 gauge families (score, expected, lower,
/// upper) with ~5 labels each, label blocks preformatted once per series; target &lt;= 300 ms per render.
/// Run: dotnet run -c Release --project bench/Vigil.Benchmarks -- --filter '*ExpositionBenchmarks*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class ExpositionBenchmarks
{
    private const int Series = 100_000;
    private const int RegistryChildren = 10_000;

    private readonly ArrayBufferWriter<byte> _buffer = new(64 << 20);
    private ScoreStoreCollector _preformatted = null!;
    private LabelSpanCollector _onTheFly = null!;
    private MetricRegistry _registry = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var labels = new Label[Series][];
        var values = new double[Series * 4];
        for (var i = 0; i < Series; i++)
        {
            labels[i] =
            [
                new Label("source", "prometheus"),
                new Label("job", $"node-exporter-{i % 20}"),
                new Label("instance", $"10.0.{i / 250 % 256}.{i % 250}:9100"),
                new Label("metric", i % 3 == 0 ? "node_cpu_seconds_total" : "node_network_receive_bytes_total"),
                new Label("detector", i % 2 == 0 ? "rolling_sigma" : "holt_winters"),
            ];
        }

        for (var i = 0; i < values.Length; i++)
        {
            // Scores and bands are arbitrary doubles: the expensive shortest-round-trip path, not the integer one.
            values[i] = random.NextDouble() * Math.Pow(10, random.Next(-3, 9));
        }

        _preformatted = new ScoreStoreCollector([.. labels.Select(l => ExpositionWriter.FormatLabelBlock(l))], values);
        _onTheFly = new LabelSpanCollector(labels, values);

        _registry = new MetricRegistry();
        var gauge = _registry.CreateGauge("vigil_series_last_value", "Last value per series.", "job", "instance", "metric");
        var counter = _registry.CreateCounter("vigil_points_total", "Points per series.", "job", "instance", "metric");
        for (var i = 0; i < RegistryChildren; i++)
        {
            string[] lv = [$"job-{i % 20}", $"host-{i}:9100", i % 2 == 0 ? "up" : "node_load1"];
            gauge.WithLabels(lv).Set(random.NextDouble() * 1000);
            counter.WithLabels(lv).Inc(random.Next(0, 1_000_000));
        }

        _registry.Register(new ProcessMetricsCollector());
    }

    [Benchmark(Description = "Collector 100k series x 4 families, preformatted blocks")]
    public int RenderPreformatted()
    {
        _buffer.ResetWrittenCount();
        _preformatted.Collect(new ExpositionWriter(_buffer));
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "Collector 100k series x 4 families, Label spans escaped per line")]
    public int RenderLabelSpans()
    {
        _buffer.ResetWrittenCount();
        _onTheFly.Collect(new ExpositionWriter(_buffer));
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "Registry 10k gauge + 10k counter children + process")]
    public int RenderRegistry()
    {
        _buffer.ResetWrittenCount();
        _registry.WriteTo(_buffer);
        return _buffer.WrittenCount;
    }

    private static readonly string[] FamilyNames = ["vigil_anomaly_score", "vigil_expected_value", "vigil_lower_bound", "vigil_upper_bound"];

    private sealed class ScoreStoreCollector(byte[][] blocks, double[] values) : IMetricCollector
    {
        public void Collect(ExpositionWriter writer)
        {
            for (var f = 0; f < FamilyNames.Length; f++)
            {
                writer.WriteHeader(FamilyNames[f], "Per-series detector output.", MetricType.Gauge);
                for (var i = 0; i < blocks.Length; i++)
                {
                    writer.WriteSample(FamilyNames[f], blocks[i], values[(f * blocks.Length) + i]);
                }
            }
        }
    }

    private sealed class LabelSpanCollector(Label[][] labels, double[] values) : IMetricCollector
    {
        public void Collect(ExpositionWriter writer)
        {
            for (var f = 0; f < FamilyNames.Length; f++)
            {
                writer.WriteHeader(FamilyNames[f], "Per-series detector output.", MetricType.Gauge);
                for (var i = 0; i < labels.Length; i++)
                {
                    writer.WriteSample(FamilyNames[f], labels[i].AsSpan(), values[(f * labels.Length) + i]);
                }
            }
        }
    }
}
