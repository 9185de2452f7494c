using Microsoft.Extensions.Time.Testing;
using Vigil.Core.Detection;
using Vigil.Core.Series;
using Vigil.Exposition;
using Vigil.Pipeline.Jobs;
using Vigil.Pipeline.Telemetry;
using Vigil.Pipeline.Tests.Fakes;
using Vigil.Pipeline.Verdicts;

namespace Vigil.Pipeline.Tests.Jobs;

/// <summary>
/// Operator feedback reaches the running series' detectors on the job's own loop. The detector here is a level
/// detector whose <c>new_normal</c> rebaselines at once, so the test shows the wiring (which series, when, which
/// range); what each real detector does with feedback is the detector contract's (docs/detectors.md).
/// </summary>
public sealed class JobRunnerFeedbackTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(1);
    private static readonly Labels NodeA = Labels.From(new Label("instance", "a"));
    private static readonly Labels NodeB = Labels.From(new Label("instance", "b"));

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly FakeInput _input = new();
    private readonly Capture _capture = new();
    private readonly LevelDetector _detector = new();

    [Fact]
    public async Task EnqueueFeedback_NewNormalAfterASustainedShift_NextPointsScoreNormalOnlyOnTheMatchingSeries()
    {
        var shiftAt = Start + (Step * 2);
        _input.Set(NodeA, t => t >= shiftAt ? 40 : 10);
        _input.Set(NodeB, t => t >= shiftAt ? 40 : 10);
        var sut = CreateSut();
        await CycleAsync(sut, 4);
        Assert.True(_capture.Last(NodeA).Score > 1);

        sut.EnqueueFeedback(new SeriesFeedbackRequest(l => l.Get("instance") == "a", FeedbackKind.NewNormal, shiftAt.ToUnixTimeMilliseconds(), long.MaxValue));
        Assert.Equal(1, sut.PendingFeedback);
        await CycleAsync(sut, 1);

        Assert.Equal(0, sut.PendingFeedback);
        Assert.True(_capture.Last(NodeA).Score <= 1, $"A scored {_capture.Last(NodeA).Score} after new_normal");
        Assert.True(_capture.Last(NodeB).Score > 1, "B got no feedback and still scores the shift");
        var call = Assert.Single(_detector.Calls);
        Assert.Equal((FeedbackKind.NewNormal, shiftAt.ToUnixTimeMilliseconds()), (call.Kind, call.FromMs));
    }

    [Fact]
    public async Task EnqueueFeedback_NoMatchingSeries_ConsumedWithoutTouchingDetectors()
    {
        _input.Set(NodeA, _ => 10);
        var sut = CreateSut();
        await CycleAsync(sut, 1);

        sut.EnqueueFeedback(new SeriesFeedbackRequest(l => l.Get("instance") == "zzz", FeedbackKind.NotAnomaly, 0, long.MaxValue));
        await CycleAsync(sut, 1);

        Assert.Empty(_detector.Calls);
        Assert.Equal(0, sut.PendingFeedback);
    }

    private async Task CycleAsync(JobRunner sut, int cycles)
    {
        for (var i = 0; i < cycles; i++)
        {
            _clock.Advance(Step);
            Assert.True((await sut.RunCycleAsync(CancellationToken.None)).Success);
        }
    }

    private JobRunner CreateSut()
    {
        var job = new JobOptions { Name = "cpu", Query = "up", Interval = Step };
        return new JobRunner(job, _input, _detector, _capture, new VigilMetrics(new MetricRegistry()), _clock, _clock, TimeSpan.FromMinutes(10), new CapturingLogger());
    }

    private sealed class Capture : IVerdictSink
    {
        private readonly Dictionary<Labels, Verdict> _last = [];

        public Verdict Last(Labels series) => _last[series];

        public void Publish(VerdictBatch batch)
        {
            foreach (ref readonly var point in batch.Points)
            {
                _last[point.Series.Labels] = point.Verdict;
            }
        }
    }

    /// <summary>Expects the first value it saw; score = distance in units of 1. new_normal adopts the latest value.</summary>
    private sealed class LevelDetector : IDetector
    {
        public List<(FeedbackKind Kind, long FromMs, long ToMs)> Calls { get; } = [];

        public string Type => "level";

        public int FeatureCount => 1;

        public int HistoryPoints => 1;

        public ISeriesDetector CreateSeries() => new Series(Calls);

        private sealed class Series(List<(FeedbackKind, long, long)> calls) : ISeriesDetector, ISeriesFeedback
        {
            private double _level = double.NaN;
            private double _last;

            public Verdict Observe(long timestampMs, ReadOnlySpan<double> features)
            {
                _last = features[0];
                if (double.IsNaN(_level))
                {
                    _level = _last;
                }

                return new Verdict(Math.Abs(_last - _level), _level, _level - 1, _level + 1, VerdictKind.Scored, AnomalyTest.Point);
            }

            public bool ApplyFeedback(FeedbackKind kind, long fromMs, long toMs)
            {
                calls.Add((kind, fromMs, toMs));
                if (kind == FeedbackKind.NewNormal)
                {
                    _level = _last;
                }

                return true;
            }
        }
    }
}
