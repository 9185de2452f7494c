using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Pipeline.Episodes;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Pipeline.Tests.Verdicts;

public sealed class EpisodeSuppressionTests
{
    private static readonly Labels NodeA = Labels.From(new Label("instance", "a"));
    private static readonly Labels NodeB = Labels.From(new Label("instance", "b"));

    [Fact]
    public void Suppress_NotAnomalyRange_OnsetAndCloseNotAnnouncedForTheMatchingSeriesOnly()
    {
        var recent = new RecentEpisodes(new EpisodeOptions());
        var sut = new EpisodeTrackerSink([recent], new EpisodeOptions { QuietPoints = 2 });
        var a = new ScoredSeries("cpu", NodeA, "auto");
        var b = new ScoredSeries("cpu", NodeB, "auto");
        sut.Suppress("cpu", l => l.Get("instance") == "a", 3_000, 10_000);

        // Two quiet points, then an incident at t = 3..5 s on both series, then quiet again.
        double[] scores = [0, 0, 0, 5, 5, 5, 0, 0, 0];
        var batch = new VerdictBatch("cpu");
        for (var i = 0; i < scores.Length; i++)
        {
            foreach (var series in new[] { a, b })
            {
                batch.Add(new ScoredPoint(series, i * 1_000L, 1, new Verdict(scores[i], 1, 0, 2, VerdictKind.Scored, AnomalyTest.Point)));
            }
        }

        sut.Publish(batch);

        var events = recent.Recent(10);
        Assert.Equal([EpisodeEventKind.Opened, EpisodeEventKind.Closed], events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal(NodeB, e.Labels));
    }

    [Fact]
    public void Suppress_OnsetOutsideTheRange_StillAnnounced()
    {
        var recent = new RecentEpisodes(new EpisodeOptions());
        var sut = new EpisodeTrackerSink([recent], new EpisodeOptions { QuietPoints = 2 });
        var a = new ScoredSeries("cpu", NodeA, "auto");
        sut.Suppress("cpu", _ => true, 0, 2_000);

        var batch = new VerdictBatch("cpu");
        double[] scores = [0, 0, 0, 5];
        for (var i = 0; i < scores.Length; i++)
        {
            batch.Add(new ScoredPoint(a, i * 1_000L, 1, new Verdict(scores[i], 1, 0, 2, VerdictKind.Scored, AnomalyTest.Point)));
        }

        sut.Publish(batch);

        Assert.Equal(EpisodeEventKind.Opened, Assert.Single(recent.Recent(10)).Kind);
    }
}
