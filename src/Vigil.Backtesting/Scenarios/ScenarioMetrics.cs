namespace Vigil.Backtesting.Scenarios;

/// <summary>
/// What one detector did on a set of scenario series (all of them, one series kind, or one incident kind).
/// Ratios are NaN when nothing was there to measure (e.g. no large step in the group).
/// </summary>
/// <param name="Incidents">Labelled incidents, level shifts included.</param>
/// <param name="Detected">Incidents with an episode onset inside their window (ramps: up to the tolerance after it; shifts: before adapt_after).</param>
/// <param name="SustainedPoints">Points of steps and drops after the first five.</param>
/// <param name="SustainedAboveOne">Of those, the ones that scored above 1.</param>
/// <param name="LargeStepScores">Scores of every point of steps of at least ×2.5 (warm-up points count as 0).</param>
/// <param name="RecoveryChecked">Incidents followed by a recovery window (all but level shifts).</param>
/// <param name="RecoveryAlarms">Of those, the ones with an onset in the recovery window.</param>
/// <param name="CleanPoints">Evaluated points in no incident, recovery or adaptation window.</param>
/// <param name="FalseAlarms">Episode onsets on clean points.</param>
/// <param name="Shifts">Level shifts.</param>
/// <param name="ShiftsAlertedAtOnset">Level shifts with an onset within 30 min of the shift.</param>
/// <param name="ShiftsChecked">Level shifts whose series lasts long enough after adapt_after to check.</param>
/// <param name="ShiftsStopped">Of those, the ones with no point above 1 in the check window after adapt_after.</param>
/// <param name="ScoredPoints">Evaluated points with a <c>Scored</c> verdict.</param>
/// <param name="UnscoredPoints">Evaluated points with a warm-up or invalid verdict.</param>
/// <param name="BandViolations">Scored points whose value equals a band edge while differing from the expected value.</param>
public sealed record ScenarioMetrics(
    int Incidents,
    int Detected,
    long SustainedPoints,
    long SustainedAboveOne,
    IReadOnlyList<double> LargeStepScores,
    int RecoveryChecked,
    int RecoveryAlarms,
    long CleanPoints,
    int FalseAlarms,
    int Shifts,
    int ShiftsAlertedAtOnset,
    int ShiftsChecked,
    int ShiftsStopped,
    long ScoredPoints,
    long UnscoredPoints,
    long BandViolations)
{
    public double DetectionRate => Incidents == 0 ? double.NaN : Detected / (double)Incidents;

    public double SustainedRate => SustainedPoints == 0 ? double.NaN : SustainedAboveOne / (double)SustainedPoints;

    public double MedianLargeStepScore => Median(LargeStepScores);

    public double CleanSeriesDays => CleanPoints / (double)ScenarioGenerator.PointsPerDay;

    public double FalseAlarmsPerSeriesDay => CleanPoints == 0 ? double.NaN : FalseAlarms / CleanSeriesDays;

    private static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

/// <summary>Accumulates <see cref="ScenarioMetrics"/> over series and incidents.</summary>
internal sealed class ScenarioTally
{
    private readonly List<double> _largeStepScores = [];

    public int Incidents { get; set; }

    public int Detected { get; set; }

    public long SustainedPoints { get; set; }

    public long SustainedAboveOne { get; set; }

    public int RecoveryChecked { get; set; }

    public int RecoveryAlarms { get; set; }

    public long CleanPoints { get; set; }

    public int FalseAlarms { get; set; }

    public int Shifts { get; set; }

    public int ShiftsAlertedAtOnset { get; set; }

    public int ShiftsChecked { get; set; }

    public int ShiftsStopped { get; set; }

    public long ScoredPoints { get; set; }

    public long UnscoredPoints { get; set; }

    public long BandViolations { get; set; }

    public void AddLargeStepScore(double score) => _largeStepScores.Add(score);

    public void Add(ScenarioMetrics m)
    {
        Incidents += m.Incidents;
        Detected += m.Detected;
        SustainedPoints += m.SustainedPoints;
        SustainedAboveOne += m.SustainedAboveOne;
        _largeStepScores.AddRange(m.LargeStepScores);
        RecoveryChecked += m.RecoveryChecked;
        RecoveryAlarms += m.RecoveryAlarms;
        CleanPoints += m.CleanPoints;
        FalseAlarms += m.FalseAlarms;
        Shifts += m.Shifts;
        ShiftsAlertedAtOnset += m.ShiftsAlertedAtOnset;
        ShiftsChecked += m.ShiftsChecked;
        ShiftsStopped += m.ShiftsStopped;
        ScoredPoints += m.ScoredPoints;
        UnscoredPoints += m.UnscoredPoints;
        BandViolations += m.BandViolations;
    }

    public ScenarioMetrics ToMetrics() => new(
        Incidents, Detected, SustainedPoints, SustainedAboveOne, [.. _largeStepScores], RecoveryChecked, RecoveryAlarms,
        CleanPoints, FalseAlarms, Shifts, ShiftsAlertedAtOnset, ShiftsChecked, ShiftsStopped, ScoredPoints, UnscoredPoints, BandViolations);
}
