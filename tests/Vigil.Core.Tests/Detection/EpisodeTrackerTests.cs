using Vigil.Core.Detection;

namespace Vigil.Core.Tests.Detection;

public sealed class EpisodeTrackerTests
{
    private static Verdict Scored(double score) => new(score, 10, 9, 11, VerdictKind.Scored, score > 1 ? AnomalyTest.Point : AnomalyTest.None);

    private static List<EpisodeTransition> Feed(ref EpisodeTracker tracker, params double[] scores)
    {
        var transitions = new List<EpisodeTransition>();
        for (var i = 0; i < scores.Length; i++)
        {
            transitions.Add(tracker.Observe(i * 60_000L, 10 + scores[i], Scored(scores[i])));
        }

        return transitions;
    }

    [Fact]
    public void Observe_SustainedIncident_IsOneOnsetThenContinuesUntilQuietPoints()
    {
        var tracker = new EpisodeTracker(quietPoints: 3);

        var t = Feed(ref tracker, 0.1, 2, 5, 0.5, 3, 0.2, 0.2, 0.2, 0.2);

        Assert.Equal(
            [EpisodeTransition.None, EpisodeTransition.Onset, EpisodeTransition.Continues, EpisodeTransition.Continues,
             EpisodeTransition.Continues, EpisodeTransition.Continues, EpisodeTransition.Continues, EpisodeTransition.Ended,
             EpisodeTransition.None],
            t);
        var episode = tracker.Current;
        Assert.Equal(60_000, episode.StartMs);
        Assert.Equal(4 * 60_000, episode.EndMs);
        Assert.Equal(5, episode.PeakScore);
        Assert.Equal(2 * 60_000, episode.PeakMs);
        Assert.Equal(3, episode.AnomalousPoints);
        Assert.False(tracker.IsOpen);
    }

    [Fact]
    public void Observe_AnomalyRightAfterEpisodeEnds_IsANewOnset()
    {
        var tracker = new EpisodeTracker(quietPoints: 2);

        var t = Feed(ref tracker, 2, 0, 0, 2);

        Assert.Equal([EpisodeTransition.Onset, EpisodeTransition.Continues, EpisodeTransition.Ended, EpisodeTransition.Onset], t);
    }

    [Fact]
    public void Observe_WarmupAndInvalidPoints_NeitherOpenNorCloseAnEpisode()
    {
        var tracker = new EpisodeTracker(quietPoints: 1);

        Assert.Equal(EpisodeTransition.None, tracker.Observe(0, 500, Verdict.Warmup()));
        Assert.Equal(EpisodeTransition.Onset, tracker.Observe(1, 500, Scored(4)));
        Assert.Equal(EpisodeTransition.Continues, tracker.Observe(2, double.NaN, Verdict.Invalid));
        Assert.Equal(EpisodeTransition.Ended, tracker.Observe(3, 10, Scored(0.3)));
    }

    [Fact]
    public void WriteRead_OpenEpisode_ContinuesWhereItStopped()
    {
        var tracker = new EpisodeTracker(quietPoints: 3);
        Feed(ref tracker, 4, 0);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            tracker.Write(writer);
        }

        stream.Position = 0;
        using var reader = new BinaryReader(stream);
        var restored = EpisodeTracker.Read(reader, quietPoints: 3);

        Assert.True(restored.IsOpen);
        Assert.Equal(tracker.Current, restored.Current);
        Assert.Equal(EpisodeTransition.Continues, restored.Observe(5, 10, Scored(0)));
        Assert.Equal(EpisodeTransition.Ended, restored.Observe(6, 10, Scored(0)));
    }
}
