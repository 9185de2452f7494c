using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Exposition;
using Vigil.Pipeline.Episodes;
using Vigil.Pipeline.History;
using Vigil.Pipeline.Scores;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Benchmarks;

/// <summary>
/// The verdict seam's cost per scored point: one cycle of 10,000 series × 10 points published as one batch to the
/// three standard sinks (score store, recent history, episode tracker). Steady state: every series already known.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class VerdictSeamBenchmarks
{
    private const int Series = 10_000;
    private const int Points = 10;
    private VerdictBatch _batch = null!;
    private VerdictPublisher _all = null!;
    private ScoreStore _store = null!;
    private long _t;
    private ScoredSeries[] _series = [];

    [GlobalSetup]
    public void Setup()
    {
        var metrics = new VigilMetrics(new MetricRegistry());
        _store = new ScoreStore();
        var episodes = new EpisodeTrackerSink([new RecentEpisodes(new EpisodeOptions())], new EpisodeOptions());
        _all = new VerdictPublisher([_store, new RecentHistory(new RecentHistoryOptions()), episodes], metrics, NullLogger<VerdictPublisher>.Instance);
        _series = [.. Enumerable.Range(0, Series).Select(i => new ScoredSeries("node", Labels.From(new Label("instance", $"10.0.{i / 250}.{i % 250}:9100")), "rolling_sigma"))];
        _batch = new VerdictBatch("node", Series * Points);
        for (var warm = 0; warm < 3; warm++)
        {
            Fill();
            _all.Publish(_batch);
        }
    }

    /// <summary>100,000 points through all three sinks; ns/point = mean / 100,000.</summary>
    [Benchmark]
    public int PublishToAllSinks()
    {
        Fill();
        _all.Publish(_batch);
        return _batch.Count;
    }

    /// <summary>The same batch to the /metrics score store only (what the pre-seam loop did).</summary>
    [Benchmark(Baseline = true)]
    public int PublishToScoreStoreOnly()
    {
        Fill();
        _store.Publish(_batch);
        return _batch.Count;
    }

    private void Fill()
    {
        _batch.Clear();
        foreach (var series in _series)
        {
            for (var p = 0; p < Points; p++)
            {
                var t = (_t + p) * 60_000;
                var score = (p * 7 % 13) / 10.0; // a few points above 1: episodes open and close
                _batch.Add(new ScoredPoint(series, t, 100 + p, new Verdict(score, 100, 95, 105, VerdictKind.Scored)));
            }
        }

        _t += Points;
    }
}
