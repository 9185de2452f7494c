using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Pipeline.Episodes;
using Vigil.Pipeline.History;
using Vigil.Pipeline.Scores;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Pipeline.Tests.Verdicts;

/// <summary>
/// The standard sinks keep their per-series state in slots on <see cref="ScoredSeries"/> (one load per series instead
/// of a hash lookup, issue 15). A slot has one owner: a second instance of a sink fed the same series must behave
/// exactly like the first, and removal must forget the series in both.
/// </summary>
public sealed class SinkSlotTests
{
    [Fact]
    public void RecentHistory_TwoInstancesSameSeries_BothKeepEveryPointAndBothForgetOnRemoval()
    {
        var series = NewSeries();
        var first = new RecentHistory(new RecentHistoryOptions());
        var second = new RecentHistory(new RecentHistoryOptions());

        for (var minute = 0; minute < 5; minute++)
        {
            var batch = Batch(series, minute, 0.1);
            first.Publish(batch);
            second.Publish(batch);
        }

        Assert.Equal(5, first.Query("cpu", series.Labels, long.MinValue, long.MaxValue).Count);
        Assert.Equal(5, second.Query("cpu", series.Labels, long.MinValue, long.MaxValue).Count);

        var removed = new VerdictBatch("cpu");
        removed.AddRemoved(series);
        first.Publish(removed);
        second.Publish(removed);

        Assert.Equal((0, 0), (first.SeriesCount, second.SeriesCount));
    }

    [Fact]
    public void RecentHistory_SeriesRemovedThenBack_StartsAFreshBuffer()
    {
        var sut = new RecentHistory(new RecentHistoryOptions());
        var series = NewSeries();
        sut.Publish(Batch(series, 0, 0.1));
        var removed = new VerdictBatch("cpu");
        removed.AddRemoved(series);
        sut.Publish(removed);

        var back = NewSeries();
        sut.Publish(Batch(back, 10, 0.1));

        Assert.Equal([10 * 60_000L], sut.Query("cpu", back.Labels, long.MinValue, long.MaxValue).Select(p => p.TimestampMs));
    }

    [Fact]
    public void ScoreStore_TwoInstancesSameSeries_BothExportTheLatestAndBothForgetOnRemoval()
    {
        var series = NewSeries();
        var first = new ScoreStore();
        var second = new ScoreStore();

        foreach (var score in new[] { 0.2, 0.7 })
        {
            var batch = Batch(series, 1, score);
            first.Publish(batch);
            second.Publish(batch);
        }

        foreach (var store in new[] { first, second })
        {
            var entry = Assert.Single(store.Entries);
            Assert.True(entry.TryRead(out var verdict));
            Assert.Equal(0.7, verdict.Score);
        }

        var removed = new VerdictBatch("cpu");
        removed.AddRemoved(series);
        first.Publish(removed);
        second.Publish(removed);

        Assert.Equal((0, 0), (first.Count, second.Count));
    }

    [Fact]
    public void EpisodeTracker_TwoInstancesSameSeries_EachAnnouncesTheOnsetOnce()
    {
        var series = NewSeries();
        var firstLog = new RecentEpisodes(new EpisodeOptions());
        var secondLog = new RecentEpisodes(new EpisodeOptions());
        var first = new EpisodeTrackerSink([firstLog], new EpisodeOptions());
        var second = new EpisodeTrackerSink([secondLog], new EpisodeOptions());

        // Enough normal points to arm the tracker, then a sustained anomaly.
        for (var minute = 0; minute < 30; minute++)
        {
            var batch = Batch(series, minute, minute < 20 ? 0.1 : 5.0);
            first.Publish(batch);
            second.Publish(batch);
        }

        Assert.Single(firstLog.Recent(10), e => e.Kind == EpisodeEventKind.Opened);
        Assert.Single(secondLog.Recent(10), e => e.Kind == EpisodeEventKind.Opened);
    }

    private static ScoredSeries NewSeries() => new("cpu", Labels.From(new Label("instance", "a")), "auto");

    private static VerdictBatch Batch(ScoredSeries series, int minute, double score)
    {
        var batch = new VerdictBatch("cpu");
        batch.Add(new ScoredPoint(series, minute * 60_000L, 1, new Verdict(score, 1, 0, 2, VerdictKind.Scored)));
        return batch;
    }
}
