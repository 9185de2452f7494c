using Microsoft.Extensions.Logging;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Exposition;
using Vigil.Pipeline.Episodes;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Tests.Fakes;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Pipeline.Tests.Episodes;

/// <summary>The episode lines of one publication are bounded: a flood of onsets costs one summary line, not a line each.</summary>
public sealed class EpisodeLogTests
{
    private const string Job = "scale";
    private readonly VigilMetrics _metrics = new(new MetricRegistry());
    private readonly ListLogger<EpisodeLog> _logger = new();
    private readonly Dictionary<int, ScoredSeries> _series = [];

    [Fact]
    public void Publish_CycleOpensMoreEpisodesThanTheLimit_LogsTheFirstAndOneLineNamingTheJobAndTheRest()
    {
        var sut = CreateSut(_logger, linesPerCycle: 3);

        sut.Publish(Onsets(0, 10));

        var lines = _logger.Entries.Select(e => e.Message).ToList();
        Assert.Equal(4, lines.Count);
        Assert.All(lines.Take(3), l => Assert.StartsWith("Anomaly episode opened: scale ", l, StringComparison.Ordinal));
        Assert.StartsWith("Job scale: 7 more episode(s) opened and 0 closed in this cycle, not logged one by one (the first 3 were;", lines[3], StringComparison.Ordinal);
        Assert.Equal(LogLevel.Warning, _logger.Entries.Last().Level);
        Assert.Equal(10, _metrics.Episodes.WithLabels(Job).Value);
    }

    [Fact]
    public void Publish_NextCycle_CountsItsLinesAfresh()
    {
        var sut = CreateSut(_logger, linesPerCycle: 3);
        sut.Publish(Onsets(0, 10));

        sut.Publish(Onsets(10, 2));

        var next = _logger.Entries.Skip(4).Select(e => e.Message).ToList();
        Assert.Equal(2, next.Count);
        Assert.All(next, l => Assert.StartsWith("Anomaly episode opened:", l, StringComparison.Ordinal));
        Assert.Equal(12, _metrics.Episodes.WithLabels(Job).Value);
    }

    [Fact]
    public void Publish_OnsetsUpToTheLimit_EachLoggedWithoutSummary()
    {
        var sut = CreateSut(_logger, linesPerCycle: 3);

        sut.Publish(Onsets(0, 3));

        Assert.Equal(3, _logger.Entries.Count);
        Assert.All(_logger.Entries, e => Assert.StartsWith("Anomaly episode opened:", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Publish_ClosingsBeyondTheLimit_CountedInTheSummaryAtInformation()
    {
        var sut = CreateSut(_logger, linesPerCycle: 2);
        sut.Publish(Onsets(0, 3));

        sut.Publish(Quiet(0, 3, fromMinute: 1));

        var closing = _logger.Entries.Skip(3).ToList();
        Assert.Equal(3, closing.Count);
        Assert.All(closing.Take(2), e => Assert.StartsWith("Anomaly episode closed:", e.Message, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, closing[2].Level);
        Assert.StartsWith("Job scale: 0 more episode(s) opened and 1 closed", closing[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_WarningsOff_BuildsNoLineAndNoSummaryButCountsEveryOnset()
    {
        var logger = new ListLogger<EpisodeLog> { MinLevel = LogLevel.Error };
        var sut = CreateSut(logger, linesPerCycle: 3);

        sut.Publish(Onsets(0, 10));

        Assert.Empty(logger.Entries);
        Assert.Equal(10, _metrics.Episodes.WithLabels(Job).Value);
    }

    [Fact]
    public void Publish_DefaultOptions_LogsAHundredLinesACycle()
    {
        var sut = new EpisodeTrackerSink([new EpisodeLog(_metrics, _logger)], new EpisodeOptions { QuietPoints = 1 });

        sut.Publish(Onsets(0, 150));

        Assert.Equal(EpisodeOptions.DefaultLogLinesPerCycle + 1, _logger.Entries.Count);
        Assert.StartsWith("Job scale: 50 more episode(s) opened", _logger.Entries.Last().Message, StringComparison.Ordinal);
    }

    private EpisodeTrackerSink CreateSut(ListLogger<EpisodeLog> logger, int linesPerCycle)
    {
        var options = new EpisodeOptions { QuietPoints = 1, LogLinesPerCycle = linesPerCycle };
        return new EpisodeTrackerSink([new EpisodeLog(_metrics, options, logger)], options);
    }

    /// <summary>One quiet and one anomalous point on each of <paramref name="count"/> series: an onset each.</summary>
    private VerdictBatch Onsets(int first, int count)
    {
        var batch = new VerdictBatch(Job);
        for (var i = first; i < first + count; i++)
        {
            var series = Series(i);
            batch.Add(new ScoredPoint(series, -60_000, 1, Scored(0.5)));
            batch.Add(new ScoredPoint(series, 0, 9, Scored(4)));
        }

        return batch;
    }

    /// <summary>A normal point on each series: with one quiet point an episode, it closes the open episode.</summary>
    private VerdictBatch Quiet(int first, int count, int fromMinute)
    {
        var batch = new VerdictBatch(Job);
        for (var i = first; i < first + count; i++)
        {
            batch.Add(new ScoredPoint(Series(i), fromMinute * 60_000L, 1, Scored(0.5)));
        }

        return batch;
    }

    /// <summary>The same series instance in each batch of a test, as the job's series table hands out.</summary>
    private ScoredSeries Series(int i)
    {
        if (!_series.TryGetValue(i, out var s))
        {
            s = new ScoredSeries(Job, Labels.From(new Label("instance", $"i{i}")), "auto");
            _series[i] = s;
        }

        return s;
    }

    private static Verdict Scored(double score) => new(score, 1, 0, 2, VerdictKind.Scored);
}
