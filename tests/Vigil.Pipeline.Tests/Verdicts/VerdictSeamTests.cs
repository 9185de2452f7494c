using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Exposition;
using Vigil.Pipeline.Episodes;
using Vigil.Pipeline.History;
using Vigil.Pipeline.Scores;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Tests.Fakes;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Pipeline.Tests.Verdicts;

/// <summary>The seam and its sinks: publisher fan-out and isolation, score store, recent history, episodes.</summary>
public sealed class VerdictSeamTests
{
    private static readonly Labels Node = Labels.From(new Label("instance", "a"));
    private static readonly ScoredSeries Cpu = new("cpu", Node, "rolling_sigma");
    private readonly MetricRegistry _registry = new();
    private readonly VigilMetrics _metrics;

    public VerdictSeamTests() => _metrics = new VigilMetrics(_registry);

    [Fact]
    public void Publish_OneSinkThrows_CountsVerdictSinkAndTheOthersStillReceive()
    {
        var received = new CountingSink();
        var sut = new VerdictPublisher([new ThrowingSink(), received], _metrics, NullLogger<VerdictPublisher>.Instance);

        sut.Publish(Batch(Cpu, (0, 1.0, Scored(0.5))));

        Assert.Equal(1, received.Points);
        Assert.Equal(1, _metrics.Errors.WithLabels(ErrorTypes.VerdictSink).Value);
    }

    [Fact]
    public void Subscribe_ThenDispose_ReceivesOnlyWhileSubscribed()
    {
        var sut = new VerdictPublisher([], _metrics, NullLogger<VerdictPublisher>.Instance);
        var subscriber = new CountingSink();

        var subscription = sut.Subscribe(subscriber);
        sut.Publish(Batch(Cpu, (0, 1.0, Scored(0.5))));
        subscription.Dispose();
        sut.Publish(Batch(Cpu, (60_000, 1.0, Scored(0.5))));

        Assert.Equal(1, subscriber.Points);
    }

    [Fact]
    public void ScoreStore_Publish_KeepsLastScoredVerdictAndForgetsRemovedSeries()
    {
        var store = new ScoreStore();
        _registry.Register(store);

        store.Publish(Batch(Cpu, (0, 1.0, Scored(0.5)), (60_000, 2.0, Scored(1.5)), (120_000, 3.0, Verdict.Invalid)));
        var text = MetricsText.Render(_registry);
        var removed = new VerdictBatch("cpu");
        removed.AddRemoved(Cpu);
        store.Publish(removed);

        Assert.Equal(1.5, MetricsText.Value(text, "vigil_anomaly_score{instance=\"a\",job=\"cpu\"}"));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void RecentHistory_ImportLongerThanToday_IsTrimmedToRetentionAndCap()
    {
        var sut = new RecentHistory(new RecentHistoryOptions { Retention = TimeSpan.FromMinutes(30), MaxPointsPerSeries = 20 });
        var labels = Labels.From(new Label("instance", "a"));
        var points = Enumerable.Range(0, 60).Select(i => new HistoryPoint(i * 60_000L, i, 0, i, i - 1, i + 1, VerdictKind.Scored)).ToArray();

        sut.Import("cpu", new SeriesHistory(labels, points));

        var kept = sut.Query("cpu", labels, long.MinValue, long.MaxValue);
        Assert.Equal(20, kept.Count); // the cap (20) is tighter than the 30 minutes of retention
        Assert.Equal(points[40..], kept);
        Assert.Equal(kept, Assert.Single(sut.Export("cpu", [labels])).Points);
        Assert.Empty(sut.Export("cpu", [Labels.From(new Label("instance", "b"))]));
    }

    [Fact]
    public void RecentHistory_MoreThanTheCap_KeepsTheNewestInOrderAndQueriesByRange()
    {
        var sut = new RecentHistory(new RecentHistoryOptions { MaxPointsPerSeries = 100 });

        for (var i = 0; i < 250; i++)
        {
            sut.Publish(Batch(Cpu, (i * 60_000L, i, Scored(0.1))));
        }

        var all = sut.Query("cpu", Node, long.MinValue, long.MaxValue);
        var range = sut.Query("cpu", Node, 200 * 60_000L, 209 * 60_000L);
        Assert.Equal(100, all.Count);
        Assert.Equal(150 * 60_000L, all[0].TimestampMs);
        Assert.Equal(249 * 60_000L, all[^1].TimestampMs);
        Assert.Equal(Enumerable.Range(200, 10).Select(i => (float)i), range.Select(p => p.Value));
        Assert.Empty(sut.Query("cpu", Labels.From(new Label("instance", "b")), 0, long.MaxValue));
    }

    [Fact]
    public void RecentHistory_OlderThanRetention_IsDroppedAndRemovedSeriesForgotten()
    {
        var sut = new RecentHistory(new RecentHistoryOptions { Retention = TimeSpan.FromHours(1), MaxPointsPerSeries = 10_000 });

        for (var minute = 0; minute <= 180; minute++)
        {
            sut.Publish(Batch(Cpu, (minute * 60_000L, minute, Scored(0.1))));
        }

        var kept = sut.Query("cpu", Node, long.MinValue, long.MaxValue);
        var removed = new VerdictBatch("cpu");
        removed.AddRemoved(Cpu);
        sut.Publish(removed);

        Assert.Equal(61, kept.Count); // minutes 120..180: one hour back from the newest point
        Assert.Equal(120 * 60_000L, kept[0].TimestampMs);
        Assert.Equal(0, sut.SeriesCount);
    }

    [Fact]
    public void EpisodeTracker_SustainedAnomaly_OneOnsetOneCloseCountedAndKept()
    {
        var recent = new RecentEpisodes(new EpisodeOptions());
        var sut = new EpisodeTrackerSink([new EpisodeLog(_metrics, NullLogger<EpisodeLog>.Instance), recent], new EpisodeOptions { QuietPoints = 3 });
        var points = new List<(long, double, Verdict)>();
        var minute = 0L;
        foreach (var score in new[] { 0.2, 0.3, 0.1, 2.0, 5.0, 3.0, 0.2, 0.1, 0.3, 0.2 })
        {
            points.Add((minute++ * 60_000, 100 * score, Scored(score)));
        }

        sut.Publish(Batch(Cpu, [.. points]));

        var events = recent.Recent(10);
        Assert.Equal([EpisodeEventKind.Opened, EpisodeEventKind.Closed], events.Select(e => e.Kind));
        var closed = events[1].Episode;
        Assert.Equal((3 * 60_000L, 5 * 60_000L, 5.0, 500.0, 3), (closed.StartMs, closed.EndMs, closed.PeakScore, closed.PeakValue, closed.AnomalousPoints));
        Assert.Equal(1, _metrics.Episodes.WithLabels("cpu").Value);
    }

    [Fact]
    public void EpisodeTracker_CandidateModelPoints_AreNotIncidents()
    {
        var recent = new RecentEpisodes(new EpisodeOptions());
        var sut = new EpisodeTrackerSink([recent], new EpisodeOptions());
        var candidate = new ScoredSeries("svc", Node.With("model", "candidate"), "isolation_forest", ModelRole.Candidate);

        sut.Publish(Batch(candidate, (0, 1, Scored(9))));

        Assert.Empty(recent.Recent(10));
    }

    [Fact]
    public void ErrorTypes_HelpText_ListsEveryCatalogueValue()
    {
        var help = MetricsText.Render(_registry).Split('\n').Single(l => l.StartsWith("# HELP vigil_errors_total", StringComparison.Ordinal));

        Assert.All(ErrorTypes.All, type => Assert.Contains(type, help, StringComparison.Ordinal));
        Assert.Equal(ErrorTypes.All.Count, ErrorTypes.All.Distinct().Count());
    }

    [Fact]
    public void ErrorTypes_RaisedBySources_AreAllInTheCatalogue()
    {
        var raised = new[]
        {
            new Prometheus.PrometheusResponseException("bad json").ErrorType,
            new Prometheus.PrometheusTransportException("refused", new HttpRequestException()).ErrorType,
            new Core.Sources.MetricSourceException().ErrorType,
            Assert.Throws<Core.Sources.MetricSourceException>(() => Vigil.Pipeline.Replay.ReplaySelector.Parse("rate(x[5m])")).ErrorType,
        };

        Assert.All(raised, type => Assert.Contains(type, ErrorTypes.All));
    }

    private static Verdict Scored(double score) => new(score, 1, 0, 2, VerdictKind.Scored);

    private static VerdictBatch Batch(ScoredSeries series, params (long T, double Value, Verdict Verdict)[] points)
    {
        var batch = new VerdictBatch(series.Source);
        foreach (var (t, value, verdict) in points)
        {
            batch.Add(new ScoredPoint(series, t, value, verdict));
        }

        return batch;
    }

    private sealed class CountingSink : IVerdictSink
    {
        public int Points { get; private set; }

        public void Publish(VerdictBatch batch) => Points += batch.Count;
    }

    private sealed class ThrowingSink : IVerdictSink
    {
        public void Publish(VerdictBatch batch) => throw new InvalidOperationException("sink broke");
    }
}
