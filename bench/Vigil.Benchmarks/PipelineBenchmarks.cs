using System.Buffers;
using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Vigil.Core.Detection;
using Vigil.Core.Detectors.RollingSigma;
using Vigil.Core.Series;
using Vigil.Exposition;
using Vigil.Pipeline.Scores;
using Vigil.Prometheus;

namespace Vigil.Benchmarks;

/// <summary>
/// The foundation issue's targets: parse + score a range-query response of 100k series × 10 points
/// (≥ 5 M samples/s per core), and render /metrics for 100k scored series (≤ 300 ms).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class PipelineBenchmarks
{
    private const int Series = 100_000;
    private const int Points = 10;
    private byte[] _json = [];
    private LabelSetCache _labelSets = null!;
    private Dictionary<Labels, ISeriesDetector> _detectors = [];
    private readonly MetricRegistry _registry = new();
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024 * 1024);

    [GlobalSetup]
    public void Setup()
    {
        _json = RangeResponse(Series, Points);
        var detector = new RollingSigmaDetector(new RollingSigmaOptions());
        _detectors = [];
        // The live client polls the same query every cycle, so its label-set cache is warm after the first.
        _labelSets = new LabelSetCache(1 << 20);
        var batch = PrometheusResponseParser.Parse(_json, ExpectedResult.QueryRange, _labelSets).Batch;
        for (var i = 0; i < batch.SeriesCount; i++)
        {
            var state = detector.CreateSeries();
            for (var w = 0; w < 180; w++)
            {
                state.Observe(w, 100 + (w % 7)); // warm: the benchmark measures scoring, not warm-up verdicts
            }

            _detectors[batch.GetLabels(i)] = state;
        }

        var store = new ScoreStore();
        _registry.Register(store);
        for (var i = 0; i < batch.SeriesCount; i++)
        {
            store.GetOrAdd("node", batch.GetLabels(i)).Update(new Verdict(0.42, 101.5, 95.25, 107.75, VerdictKind.Scored), 1);
        }
    }

    /// <summary>1M samples per operation: samples/s = 1e6 / mean seconds. Steady state: the same series polled again.</summary>
    [Benchmark]
    public int ParseAndScore()
    {
        var batch = PrometheusResponseParser.Parse(_json, ExpectedResult.QueryRange, _labelSets).Batch;
        return Score(batch);
    }

    /// <summary>First sight of every series: every label set is built.</summary>
    [Benchmark]
    public int ParseAndScoreCold()
    {
        var batch = PrometheusResponseParser.Parse(_json, ExpectedResult.QueryRange).Batch;
        return Score(batch);
    }

    private int Score(SeriesBatch batch)
    {
        var anomalies = 0;
        for (var i = 0; i < batch.SeriesCount; i++)
        {
            var state = _detectors[batch.GetLabels(i)];
            var timestamps = batch.GetTimestamps(i);
            var values = batch.GetValues(i);
            for (var j = 0; j < timestamps.Length; j++)
            {
                anomalies += state.Observe(timestamps[j], values.Slice(j, 1)).IsAnomaly ? 1 : 0;
            }
        }

        return anomalies;
    }

    /// <summary>100k series × 4 families ≈ 400k lines, plus Vigil's own health metrics.</summary>
    [Benchmark]
    public int RenderMetrics()
    {
        _output.ResetWrittenCount();
        _registry.WriteTo(_output);
        return _output.WrittenCount;
    }

    internal static byte[] RangeResponse(int series, int points)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("status", "success");
            w.WriteStartObject("data");
            w.WriteString("resultType", "matrix");
            w.WriteStartArray("result");
            for (var s = 0; s < series; s++)
            {
                w.WriteStartObject();
                w.WriteStartObject("metric");
                w.WriteString("__name__", "node_cpu_usage_ratio");
                w.WriteString("instance", string.Create(CultureInfo.InvariantCulture, $"10.0.{s / 250}.{s % 250}:9100"));
                w.WriteString("job", "node");
                w.WriteString("cpu", (s % 16).ToString(CultureInfo.InvariantCulture));
                w.WriteString("mode", "user");
                w.WriteEndObject();
                w.WriteStartArray("values");
                for (var p = 0; p < points; p++)
                {
                    w.WriteStartArray();
                    w.WriteNumberValue(1_700_000_000 + (p * 15));
                    w.WriteStringValue((100 + ((s + p) % 13) * 0.5).ToString("R", CultureInfo.InvariantCulture));
                    w.WriteEndArray();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
