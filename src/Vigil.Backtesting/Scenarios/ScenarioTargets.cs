using System.Globalization;

namespace Vigil.Backtesting.Scenarios;

/// <summary>One target of issue #10 checked against measured figures.</summary>
/// <param name="Name">What is measured.</param>
/// <param name="Label">A short name for tables.</param>
/// <param name="Target">The target, as text.</param>
/// <param name="Actual">The measured figure, as text.</param>
/// <param name="Detail">The counts behind the figure.</param>
/// <param name="Met">Whether the figure meets the target.</param>
public sealed record TargetCheck(string Name, string Label, string Target, string Actual, string Detail, bool Met);

/// <summary>The scenario targets the default detector must meet (issue #10, "An operational scenario suite").</summary>
public static class ScenarioTargets
{
    public const double MinDetectionRate = 0.95;
    public const double MinSustainedRate = 0.85;
    public const double MinMedianLargeStepScore = 3.0;
    public const double MaxFalseAlarmsPerSeriesDay = 0.2;

    public static IReadOnlyList<TargetCheck> Check(ScenarioMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return
        [
            new("incidents detected", "detected", "≥ 95 %", Percent(metrics.DetectionRate), $"{metrics.Detected}/{metrics.Incidents}", metrics.DetectionRate >= MinDetectionRate),
            new("steps/drops: score > 1 after the first 5 points", "steps/drops > 1", "≥ 85 %", Percent(metrics.SustainedRate), $"{metrics.SustainedAboveOne}/{metrics.SustainedPoints} points", metrics.SustainedRate >= MinSustainedRate),
            new("median score during steps ≥ 2.5×", "median, steps ≥ 2.5×", "≥ 3", Number(metrics.MedianLargeStepScore), $"{metrics.LargeStepScores.Count} points", metrics.MedianLargeStepScore >= MinMedianLargeStepScore),
            new("alarms on the return to normal", "recovery alarms", "0", metrics.RecoveryAlarms.ToString(CultureInfo.InvariantCulture), $"of {metrics.RecoveryChecked} incidents", metrics.RecoveryAlarms == 0),
            new("false-alarm episodes per series-day (clean stretches)", "false alarms / day", "≤ 0.2", Number(metrics.FalseAlarmsPerSeriesDay), $"{metrics.FalseAlarms} in {Number(metrics.CleanSeriesDays)} series-days", metrics.FalseAlarmsPerSeriesDay <= MaxFalseAlarmsPerSeriesDay),
            new("level shifts alerted at onset", "shift alerted", "all", $"{metrics.ShiftsAlertedAtOnset}/{metrics.Shifts}", $"{metrics.ShiftsAlertedAtOnset}/{metrics.Shifts}", metrics.ShiftsAlertedAtOnset == metrics.Shifts),
            new("level shifts quiet after adapt_after", "shift quiet after", "all", $"{metrics.ShiftsStopped}/{metrics.ShiftsChecked}", $"{metrics.ShiftsStopped}/{metrics.ShiftsChecked}", metrics.ShiftsChecked > 0 && metrics.ShiftsStopped == metrics.ShiftsChecked),
            new("band edge equal to the value", "band = value", "0", metrics.BandViolations.ToString(CultureInfo.InvariantCulture), $"of {metrics.ScoredPoints} scored points", metrics.BandViolations == 0),
        ];
    }

    public static string Percent(double ratio) => double.IsNaN(ratio) ? "n/a" : (100 * ratio).ToString("F1", CultureInfo.InvariantCulture) + " %";

    public static string Number(double value) => double.IsNaN(value) ? "n/a" : value.ToString("F2", CultureInfo.InvariantCulture);
}
