using Vigil.Backtesting.Scenarios;
using Vigil.Core.Detection;

namespace Vigil.Backtesting.Tests.Scenarios;

public sealed class ScenarioEvaluatorTests
{
    // Three days: one of history, incidents on the second, a level shift 12 h before the end.
    private const int Points = 3 * ScenarioGenerator.PointsPerDay;
    private const int Adapt = 6 * 60;

    private static readonly ScenarioIncident Step = new(IncidentKind.Step, 2000, 2060, 3.0);
    private static readonly ScenarioIncident Drop = new(IncidentKind.Drop, 2400, 2520, 0.2);
    private static readonly ScenarioIncident Spike = new(IncidentKind.Spike, 2800, 2802, 4.0);
    private static readonly ScenarioIncident Ramp = new(IncidentKind.Ramp, 3100, 3190, 2.5);
    private static readonly ScenarioIncident Shift = new(IncidentKind.LevelShift, Points - ScenarioGenerator.AfterShiftPoints, Points, 2.0);

    private static Scenario CreateScenario()
    {
        var start = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var values = new double[Points];
        Array.Fill(values, 10.0);
        return new Scenario("hand_made", SeriesKind.RequestRate, 0, [.. Enumerable.Range(0, Points).Select(i => start + (i * ScenarioGenerator.StepMs))], values, [Step, Drop, Spike, Ramp, Shift]);
    }

    private static ScenarioEvaluator CreateSut() => new(new ScenarioEvaluationOptions());

    private static Verdict Normal(double value) => new(0, value, value - 1, value + 1, VerdictKind.Scored);

    private static Verdict Anomalous(double value, double score) => new(score, value - score, value - score - 1, value - score + 1, VerdictKind.Scored, AnomalyTest.Point);

    private static Verdict[] Verdicts(Scenario scenario, Func<int, bool> fires, double score = 5)
        => [.. Enumerable.Range(0, scenario.Count).Select(i => fires(i) ? Anomalous(scenario.Values[i], score) : Normal(scenario.Values[i]))];

    private static bool InIncident(int i) => Step.Contains(i) || Drop.Contains(i) || Spike.Contains(i) || Ramp.Contains(i) || (i >= Shift.Start && i < Shift.Start + Adapt);

    [Fact]
    public void Measure_PerfectDetector_MeetsEveryTarget()
    {
        var scenario = CreateScenario();

        var m = CreateSut().Measure(scenario, Verdicts(scenario, InIncident)).Metrics;

        Assert.Equal(5, m.Incidents);
        Assert.Equal(1.0, m.DetectionRate);
        Assert.Equal(1.0, m.SustainedRate);
        Assert.Equal((Step.Length - 5) + (Drop.Length - 5), m.SustainedPoints);
        Assert.Equal(5.0, m.MedianLargeStepScore);
        Assert.Equal(0, m.RecoveryAlarms);
        Assert.Equal(4, m.RecoveryChecked);
        Assert.Equal(0, m.FalseAlarms);
        Assert.Equal((1, 1, 1), (m.ShiftsAlertedAtOnset, m.ShiftsChecked, m.ShiftsStopped));
        Assert.Equal(0, m.BandViolations);
        Assert.All(ScenarioTargets.Check(m), c => Assert.True(c.Met, c.Name));
    }

    [Fact]
    public void Measure_NeverFiringDetector_DetectsNothingAndRaisesNoAlarm()
    {
        var scenario = CreateScenario();

        var m = CreateSut().Measure(scenario, Verdicts(scenario, _ => false)).Metrics;

        Assert.Equal(0, m.Detected);
        Assert.Equal(0.0, m.DetectionRate);
        Assert.Equal(0.0, m.SustainedRate);
        Assert.Equal(0.0, m.MedianLargeStepScore);
        Assert.Equal(0, m.FalseAlarms);
        Assert.Equal(0, m.RecoveryAlarms);
        Assert.Equal(0, m.ShiftsAlertedAtOnset);
        Assert.Equal(1, m.ShiftsStopped);
    }

    [Fact]
    public void Measure_DetectorFiringOnEveryPoint_IsOneEndlessEpisode()
    {
        var scenario = CreateScenario();
        var sut = CreateSut();

        var m = sut.Measure(scenario, Verdicts(scenario, _ => true)).Metrics;

        // One onset on the first evaluated (clean) point, then no normal point ever closes the episode.
        var clean = sut.Labels(scenario).Count(l => l == ScenarioEvaluator.CleanLabel);
        Assert.Equal(1, m.FalseAlarms);
        Assert.Equal(clean, m.CleanPoints);
        Assert.Equal(ScenarioGenerator.PointsPerDay / (double)clean, m.FalseAlarmsPerSeriesDay, 12);
        Assert.Equal(0, m.Detected);
        Assert.Equal(1.0, m.SustainedRate);
        Assert.Equal(0, m.ShiftsStopped);
    }

    [Fact]
    public void Measure_DetectorFiringEveryTwentiethPoint_CountsEachFiringOnACleanPointAsAFalseAlarm()
    {
        var scenario = CreateScenario();
        var sut = CreateSut();
        var labels = sut.Labels(scenario);

        var m = sut.Measure(scenario, Verdicts(scenario, i => i % 20 == 0)).Metrics;

        // 19 normal points between firings exceed the 10 quiet points: every firing opens an episode.
        var expected = Enumerable.Range(ScenarioGenerator.HistoryPoints, Points - ScenarioGenerator.HistoryPoints).Count(i => i % 20 == 0 && labels[i] == ScenarioEvaluator.CleanLabel);
        Assert.Equal(expected, m.FalseAlarms);
        Assert.Equal(expected / (m.CleanPoints / 1440.0), m.FalseAlarmsPerSeriesDay, 12);
    }

    [Fact]
    public void Measure_OnsetAfterAnIncidentEnds_IsARecoveryAlarmNotADetection()
    {
        var scenario = CreateScenario();

        var run = CreateSut().Measure(scenario, Verdicts(scenario, i => i == Step.End + 30));

        var step = run.Outcomes.Single(o => o.Incident == Step);
        Assert.False(step.Detected);
        Assert.True(step.RecoveryAlarm);
        Assert.Equal(1, run.Metrics.RecoveryAlarms);
        Assert.Equal(0, run.Metrics.FalseAlarms);
    }

    [Theory]
    [InlineData(10, true, false)]
    [InlineData(20, false, true)]
    public void Measure_OnsetAfterARamp_CountsWithinTheToleranceOnly(int after, bool detected, bool recoveryAlarm)
    {
        var scenario = CreateScenario();

        var run = CreateSut().Measure(scenario, Verdicts(scenario, i => i == Ramp.End + after));

        var ramp = run.Outcomes.Single(o => o.Incident == Ramp);
        Assert.Equal(detected, ramp.Detected);
        Assert.Equal(recoveryAlarm, ramp.RecoveryAlarm);
    }

    [Fact]
    public void Measure_EpisodeOpenedBeforeTheIncident_DoesNotCountAsDetectingIt()
    {
        var scenario = CreateScenario();

        // Fires from 20 points before the step to its end: the onset lies before the window (a false alarm).
        var run = CreateSut().Measure(scenario, Verdicts(scenario, i => i >= Step.Start - 20 && i < Step.End));

        Assert.False(run.Outcomes.Single(o => o.Incident == Step).Detected);
        Assert.Equal(1, run.Metrics.FalseAlarms);
    }

    [Fact]
    public void Measure_ShiftStillAlertingAfterAdaptAfter_IsNotQuiet()
    {
        var scenario = CreateScenario();

        var run = CreateSut().Measure(scenario, Verdicts(scenario, i => i >= Shift.Start && i < Shift.Start + Adapt + 30));

        var shift = run.Outcomes.Single(o => o.Incident == Shift);
        Assert.True(shift.AlertedAtOnset);
        Assert.False(shift.Stopped);
    }

    [Fact]
    public void Measure_ShiftOnsetLate_IsDetectedButNotAtOnset()
    {
        var scenario = CreateScenario();

        var run = CreateSut().Measure(scenario, Verdicts(scenario, i => i >= Shift.Start + 60 && i < Shift.Start + 90));

        var shift = run.Outcomes.Single(o => o.Incident == Shift);
        Assert.True(shift.Detected);
        Assert.False(shift.AlertedAtOnset);
        Assert.True(shift.Stopped);
    }

    [Fact]
    public void Measure_LongerAdaptAfter_MovesTheQuietCheck()
    {
        var scenario = CreateScenario();
        var verdicts = Verdicts(scenario, i => i >= Shift.Start && i < Shift.Start + Adapt + 30);

        var run = new ScenarioEvaluator(new ScenarioEvaluationOptions { AdaptAfter = TimeSpan.FromHours(8) }).Measure(scenario, verdicts);

        Assert.True(run.Outcomes.Single(o => o.Incident == Shift).Stopped);
    }

    [Fact]
    public void Measure_BandEdgeOnTheValue_IsAViolationButAZeroWidthBandAtExpectedIsNot()
    {
        var scenario = CreateScenario();
        var verdicts = Verdicts(scenario, _ => false);
        verdicts[2000] = new Verdict(1, 5, -5, 10, VerdictKind.Scored); // upper edge = value 10
        verdicts[2001] = new Verdict(1, 15, 10, 20, VerdictKind.Scored); // lower edge = value 10
        verdicts[2002] = new Verdict(0, 10, 10, 10, VerdictKind.Scored); // a flat series predicted exactly

        var m = CreateSut().Measure(scenario, verdicts).Metrics;

        Assert.Equal(2, m.BandViolations);
    }

    [Fact]
    public void Measure_WarmupVerdicts_AreUnscoredAndNeverAnomalous()
    {
        var scenario = CreateScenario();
        var verdicts = Enumerable.Repeat(Verdict.Warmup(), Points).ToArray();

        var m = CreateSut().Measure(scenario, verdicts).Metrics;

        Assert.Equal(Points - ScenarioGenerator.HistoryPoints, m.UnscoredPoints);
        Assert.Equal(0, m.ScoredPoints);
        Assert.Equal(0, m.Detected);
        Assert.Equal(0.0, m.MedianLargeStepScore);
    }

    [Fact]
    public void Labels_MarkHistoryIncidentsTailsRecoveryAndAdaptation()
    {
        var labels = CreateSut().Labels(CreateScenario());

        Assert.Equal(ScenarioEvaluator.HistoryLabel, labels[0]);
        Assert.Equal(ScenarioEvaluator.CleanLabel, labels[ScenarioGenerator.HistoryPoints]);
        Assert.Equal("step", labels[Step.Start]);
        Assert.Equal(ScenarioEvaluator.RecoveryLabel, labels[Step.End]);
        Assert.Equal(ScenarioEvaluator.RecoveryLabel, labels[Step.End + 59]);
        Assert.Equal(ScenarioEvaluator.CleanLabel, labels[Step.End + 60]);
        Assert.Equal(ScenarioEvaluator.RampTailLabel, labels[Ramp.End]);
        Assert.Equal(ScenarioEvaluator.RecoveryLabel, labels[Ramp.End + 15]);
        Assert.Equal("level_shift", labels[Shift.Start + Adapt - 1]);
        Assert.Equal(ScenarioEvaluator.AdaptingLabel, labels[Shift.Start + Adapt]);
        Assert.Equal(ScenarioEvaluator.CleanLabel, labels[Shift.Start + Adapt + 120]);
    }

    [Fact]
    public void Measure_WrongNumberOfVerdicts_Throws()
    {
        Assert.Throws<ArgumentException>(() => CreateSut().Measure(CreateScenario(), new Verdict[10]));
    }

    [Fact]
    public void Evaluate_ReplaysEverySeriesCausallyAndGroupsAddUpToTheTotal()
    {
        var suite = ScenarioGenerator.Generate(ScenarioSuiteOptions.Reduced);
        var detector = new ThresholdDetector();
        var runs = new List<ScenarioSeriesRun>();

        var report = CreateSut().Evaluate(detector, suite, runs.Add);

        Assert.Equal(suite.Count, runs.Count);
        Assert.Equal(suite.Sum(s => s.Count), report.Points);
        Assert.Equal(suite.Sum(s => s.Incidents.Count), report.Overall.Incidents);
        Assert.Equal(report.Overall.Incidents, report.ByIncidentKind.Values.Sum(m => m.Incidents));
        Assert.Equal(report.Overall.Detected, report.ByIncidentKind.Values.Sum(m => m.Detected));
        Assert.Equal(report.Overall.Detected, report.BySeriesKind.Values.Sum(m => m.Detected));
        Assert.Equal(report.Overall.FalseAlarms, report.BySeriesKind.Values.Sum(m => m.FalseAlarms));
        Assert.Equal(report.Overall.CleanPoints, report.BySeriesKind.Values.Sum(m => m.CleanPoints));

        // Each series got its own detector state and saw its points in order: the verdict is the previous value.
        foreach (var run in runs)
        {
            Assert.Equal(run.Scenario.Values[100], run.Verdicts[101].Expected);
        }
    }

    [Fact]
    public void Evaluate_SameDetectorTwice_GivesTheSameFigures()
    {
        var suite = ScenarioGenerator.Generate(ScenarioSuiteOptions.Reduced);
        var registry = DetectorRegistry.CreateDefault();

        var a = CreateSut().Evaluate(registry.Create(new DetectorSpec("ewma", new Dictionary<string, string>())), suite);
        var b = CreateSut().Evaluate(registry.Create(new DetectorSpec("ewma", new Dictionary<string, string>())), suite);

        Assert.Equal(a.Overall with { LargeStepScores = [] }, b.Overall with { LargeStepScores = [] });
        Assert.Equal(a.Overall.LargeStepScores, b.Overall.LargeStepScores);
    }

    /// <summary>Expects the previous value, with a band of ±50 %; anomalous beyond it.</summary>
    private sealed class ThresholdDetector : IDetector
    {
        public string Type => "threshold";

        public int FeatureCount => 1;

        public int HistoryPoints => 1;

        public ISeriesDetector CreateSeries() => new Series();

        private sealed class Series : ISeriesDetector
        {
            private double _previous = double.NaN;

            public Verdict Observe(long timestampMs, ReadOnlySpan<double> features)
            {
                var value = features[0];
                var expected = _previous;
                _previous = value;
                if (double.IsNaN(expected))
                {
                    return Verdict.Warmup();
                }

                var half = Math.Max(0.5 * Math.Abs(expected), 1e-9);
                return new Verdict(ScoreMath.FromDeviation(value - expected, half), expected, expected - half, expected + half, VerdictKind.Scored);
            }
        }
    }
}
