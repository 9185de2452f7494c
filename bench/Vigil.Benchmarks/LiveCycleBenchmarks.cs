using System.Buffers;
using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Exposition;
using Vigil.Pipeline.Episodes;
using Vigil.Pipeline.History;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Scheduling;
using Vigil.Pipeline.Scores;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Verdicts;
using Vigil.Prometheus;

namespace Vigil.Benchmarks;

/// <summary>
/// One steady-state live cycle of <c>vigil run</c> at 100k series, as the scale benchmark runs it (bench/scale): a
/// recorded <c>query_range</c> response (the exporter's labels, one new point per series per cycle, 18 MB of JSON) →
/// the Prometheus client's parser with its label-set cache → the shard filter → the default <c>auto</c> detector →
/// every standard verdict sink (score store, recent history, episode tracker). Everything but the HTTP transfer and
/// gzip. Each iteration is the next cycle (the fake clock moves one step); the response for it is rendered in the
/// iteration setup, outside the measurement.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 4, iterationCount: 10, invocationCount: 1)]
public class LiveCycleBenchmarks
{
    private const int Series = 100_000;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_796_601_600);

    private FakeTimeProvider _clock = null!;
    private RecordedInput _input = null!;
    private JobRunner _runner = null!;

    /// <summary>1 = no sharding; 3 = shard 0 of 3 (two thirds of the series dropped as foreign after parsing).</summary>
    [Params(1, 3)]
    public int Shards { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _clock = new FakeTimeProvider(Start);
        _input = new RecordedInput(Series);
        var metrics = new VigilMetrics(new MetricRegistry());
        var publisher = new VerdictPublisher(
            [new ScoreStore(), new RecentHistory(new RecentHistoryOptions()), new EpisodeTrackerSink([new RecentEpisodes(new EpisodeOptions())], new EpisodeOptions())],
            metrics,
            NullLogger<VerdictPublisher>.Instance);
        var job = new JobOptions { Name = "scale", Query = "scale_value", Interval = Step, Detector = DetectorSpec.Default };
        _runner = new JobRunner(
            job, _input, DetectorRegistry.CreateDefault().Create(DetectorSpec.Default), publisher, metrics, _clock, _clock,
            TimeSpan.FromMinutes(5), NullLogger.Instance, shard: Shards > 1 ? new ShardAssignment(Shards, 0) : null);

        // The first cycle warms (the source has one point per series, like a Prometheus that just started); a few
        // more so every per-series structure exists and the benchmark measures the steady state.
        for (var cycle = 0; cycle < 3; cycle++)
        {
            NextCycle();
            RunCycle().GetAwaiter().GetResult();
        }
    }

    [IterationSetup]
    public void NextCycle()
    {
        _clock.Advance(Step);
        var end = Start + (Step * (long)Math.Floor((_clock.GetUtcNow() - Start) / Step));
        _input.Prepare(end);
    }

    /// <summary>One cycle of 100k series; µs per series = mean / 100,000.</summary>
    [Benchmark]
    public async Task<int> RunCycle()
    {
        var result = await _runner.RunCycleAsync(CancellationToken.None);
        return result.Success ? _runner.SeriesCount : throw new InvalidOperationException($"cycle failed: {result.ErrorType}");
    }

    /// <summary>Serves the response of the prepared cycle (one point per series at its end), parsed by the real client parser.</summary>
    private sealed class RecordedInput(int series) : IJobInput
    {
        private readonly LabelSetCache _labelSets = new(PrometheusConstants.LabelSetCacheEntries);
        private readonly SeriesBatchBuffers _buffers = new(); // as PrometheusClient: the job releases each scored batch
        private readonly ArrayBufferWriter<byte> _json = new(32 * 1024 * 1024);
        private long _preparedEndMs = long.MinValue;
        private double _bytesPerSample;

        public int FeatureCount => 1;

        public void Prepare(DateTimeOffset end)
        {
            var endMs = end.ToUnixTimeMilliseconds();
            if (endMs == _preparedEndMs)
            {
                return;
            }

            _json.ResetWrittenCount();
            using (var w = new Utf8JsonWriter(_json))
            {
                w.WriteStartObject();
                w.WriteString("status", "success");
                w.WriteStartObject("data");
                w.WriteString("resultType", "matrix");
                w.WriteStartArray("result");
                var minute = endMs / 60_000;
                var day = 2 * Math.PI * (minute % 1440) / 1440;
                for (var i = 0; i < series; i++)
                {
                    w.WriteStartObject();
                    w.WriteStartObject("metric");
                    w.WriteString("__name__", "scale_value");
                    w.WriteString("exported_instance", string.Create(CultureInfo.InvariantCulture, $"host-{i / 100}"));
                    w.WriteString("instance", "127.0.0.1:19101");
                    w.WriteString("job", "synthetic");
                    w.WriteString("series", i.ToString(CultureInfo.InvariantCulture));
                    w.WriteEndObject();
                    w.WriteStartArray("values");
                    w.WriteStartArray();
                    w.WriteNumberValue(endMs / 1000);
                    var value = 100 + (20 * Math.Sin(day + (i * 0.618033 % 1.0 * 2 * Math.PI))) + ((((minute * 7919) + (i * 104729L)) % 1000) / 250.0);
                    w.WriteStringValue(value.ToString("F3", CultureInfo.InvariantCulture));
                    w.WriteEndArray();
                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndObject();
            }

            _preparedEndMs = endMs;
        }

        public Task<SeriesBatch> FetchAsync(DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
        {
            // Only the prepared point exists (a Prometheus that holds no older data): warm-up ranges return it too if it
            // falls inside them, else nothing.
            if (_preparedEndMs < start.ToUnixTimeMilliseconds() || _preparedEndMs > end.ToUnixTimeMilliseconds())
            {
                return Task.FromResult(SeriesBatch.Empty);
            }

            // Sized like PrometheusClient sizes it: from the previous response's bytes per sample.
            var json = _json.WrittenSpan;
            var expected = _bytesPerSample > 0 ? (int)((json.Length / _bytesPerSample * 1.0625) + 16) : 0;
            var batch = PrometheusResponseParser.Parse(json, ExpectedResult.QueryRange, _labelSets, expected, _buffers).Batch;
            _bytesPerSample = batch.SampleCount > 0 ? (double)json.Length / batch.SampleCount : 0;
            return Task.FromResult(batch);
        }
    }
}
