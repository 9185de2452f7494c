using Vigil.Backtesting.Scenarios;
using Vigil.Core.Detectors.Auto;

namespace Vigil.Backtesting.Tests.Scenarios;

/// <summary>
/// The scenario suite's latency_0 under the log-space lower side with <c>positive_low_return</c> (detect26): its two ramps
/// (×2.3 over 85 minutes on 01-06, ×2.2 over 138 minutes on 01-08) are learned as they climb, and their ends page as a
/// drop against the ramp's top; with the family alone the return then paged again inside the hour after (two recovery
/// alarms), with the give-back it does not, and the ×2.7 step of 01-06 07:15 is still held.
/// </summary>
public sealed class PositiveLowReturnScenarioTests
{
    private static readonly Dictionary<string, string> Family = new()
    {
        ["positive_low"] = "1",
        ["positive_low_shift"] = "1",
        ["positive_low_dips"] = "1",
    };

    private static readonly Dictionary<string, string> WithReturn = new(Family)
    {
        ["positive_low_return"] = "1",
    };

    private static ScenarioSeriesRun Run(Dictionary<string, string> parameters)
    {
        var scenario = ScenarioGenerator.Generate(SeriesKind.Latency, 0, ScenarioSuiteOptions.Reduced);
        var detector = new AutoDetectorFactory().Create(parameters);
        var evaluator = new ScenarioEvaluator(new ScenarioEvaluationOptions { AdaptAfter = TimeSpan.FromHours(3) });
        ScenarioSeriesRun? run = null;
        evaluator.Evaluate(detector, [scenario], r => run = r);
        return run!;
    }

    [Fact]
    public void Observe_LatencyRampsThatReturn_DetectedAtTheirEndWithoutARecoveryAlarm()
    {
        var without = Run(Family).Outcomes.Where(o => o.Incident.Kind == IncidentKind.Ramp).ToList();
        var with = Run(WithReturn).Outcomes.Where(o => o.Incident.Kind == IncidentKind.Ramp).ToList();

        Assert.Equal(2, with.Count);
        Assert.All(with, o => Assert.True(o.Detected && !o.RecoveryAlarm, $"ramp at {o.Incident.Start}: detected {o.Detected}, recovery alarm {o.RecoveryAlarm} (without: {string.Join(", ", without.Select(w => w.RecoveryAlarm))})"));
    }

    [Fact]
    public void Observe_LatencyStepOfTwoPointSeven_IsHeldWithTheGiveBack()
    {
        var run = Run(WithReturn);
        var step = run.Scenario.Incidents.First(i => i.Kind == IncidentKind.Step);
        var held = 0;
        for (var i = step.Start + 5; i < step.End; i++)
        {
            held += run.Verdicts[i].Score > 1 ? 1 : 0;
        }

        // Measured: 80 of its 91 points after the first five (a give-back acts only at an onset below the expectation).
        var points = step.End - step.Start - 5;
        Assert.True(held >= 0.8 * points, $"held {held} of {points}");
    }
}
