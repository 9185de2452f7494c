using Vigil.Configuration;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Pipeline.History;
using Vigil.Pipeline.Verdicts;
using Microsoft.Extensions.DependencyInjection;

namespace Vigil.Pipeline.Tests.History;

/// <summary>
/// <c>history.max_bytes</c>: all series' history together stays within a memory budget (issue 15: at 100k series a
/// full day each would be 4.6 GB), each series keeping its share of the newest points.
/// </summary>
public sealed class RecentHistoryBudgetTests
{
    // 320 points in all: 80 each for 4 series, 16 (the floor) each for 20.
    private const long Budget = 320 * HistoryPoint.Bytes;

    [Fact]
    public void Publish_FewSeries_EachKeepsItsShareOfTheBudgetNewestFirst()
    {
        var sut = new RecentHistory(new RecentHistoryOptions { MaxPointsPerSeries = 1_000, MaxBytes = Budget });
        var series = Series(4);

        PublishMinutes(sut, series, 0, 100);

        Assert.Equal(80, sut.PointsPerSeries);
        foreach (var s in series)
        {
            var kept = sut.Query(s.Source, s.Labels, long.MinValue, long.MaxValue);
            Assert.Equal(80, kept.Count);
            Assert.Equal(20 * 60_000L, kept[0].TimestampMs);
            Assert.Equal(99 * 60_000L, kept[^1].TimestampMs);
        }
    }

    [Fact]
    public void Publish_MoreSeriesArrive_EarlierBuffersShrinkToTheNewShareKeepingTheNewest()
    {
        var sut = new RecentHistory(new RecentHistoryOptions { MaxPointsPerSeries = 1_000, MaxBytes = Budget });
        var first = Series(4);
        PublishMinutes(sut, first, 0, 100);

        var all = Series(20);
        PublishMinutes(sut, all, 100, 102);

        Assert.Equal(16, sut.PointsPerSeries);
        var kept = sut.Query(first[0].Source, first[0].Labels, long.MinValue, long.MaxValue);
        Assert.Equal(16, kept.Count);
        Assert.Equal(Enumerable.Range(86, 16).Select(m => m * 60_000L), kept.Select(p => p.TimestampMs));
    }

    [Fact]
    public void Publish_ShareAboveTheCap_TheCapWins()
    {
        var sut = new RecentHistory(new RecentHistoryOptions { MaxPointsPerSeries = 30, MaxBytes = Budget });

        PublishMinutes(sut, Series(2), 0, 100);

        Assert.Equal(30, sut.PointsPerSeries);
        Assert.Equal(30, sut.Query("cpu", Series(1)[0].Labels, long.MinValue, long.MaxValue).Count);
    }

    [Fact]
    public void PointsPerSeries_SeriesRemoved_ShareGrowsBack()
    {
        var sut = new RecentHistory(new RecentHistoryOptions { MaxPointsPerSeries = 1_000, MaxBytes = Budget });
        var series = Series(20);
        PublishMinutes(sut, series, 0, 1);

        var removed = new VerdictBatch("cpu");
        foreach (var s in series.Skip(4))
        {
            removed.AddRemoved(s);
        }

        sut.Publish(removed);

        Assert.Equal(4, sut.SeriesCount);
        Assert.Equal(80, sut.PointsPerSeries);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(383L)]
    public void Validate_BudgetBelowTheFloor_NamesMaxBytes(long maxBytes)
    {
        var errors = new RecentHistoryOptions { MaxBytes = maxBytes }.Validate();

        Assert.Contains(errors, e => e.StartsWith("history.max_bytes:", StringComparison.Ordinal));
    }

    [Fact]
    public void AddVerdictSeam_InvalidHistoryOptions_FailsAtStartUpWithConfigException()
    {
        var services = new ServiceCollection();

        var ex = Assert.Throws<ConfigException>(() => services.AddVerdictSeam(new RecentHistoryOptions { MaxBytes = 100 }));

        Assert.Contains(ex.Errors, e => e.StartsWith("history.max_bytes:", StringComparison.Ordinal));
    }

    private static ScoredSeries[] Series(int count)
        => [.. Enumerable.Range(0, count).Select(i => new ScoredSeries("cpu", Labels.From(new Label("instance", $"host-{i}")), "auto"))];

    private static void PublishMinutes(RecentHistory sut, ScoredSeries[] series, int fromMinute, int toMinute)
    {
        for (var minute = fromMinute; minute < toMinute; minute++)
        {
            var batch = new VerdictBatch("cpu");
            foreach (var s in series)
            {
                batch.Add(new ScoredPoint(s, minute * 60_000L, minute, new Verdict(0.1, 1, 0, 2, VerdictKind.Scored)));
            }

            sut.Publish(batch);
        }
    }
}
