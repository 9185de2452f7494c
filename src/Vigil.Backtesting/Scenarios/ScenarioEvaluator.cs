using System.Diagnostics;
using Vigil.Core.Detection;

namespace Vigil.Backtesting.Scenarios;

/// <summary>What happened to one injected incident.</summary>
/// <param name="Incident">The incident.</param>
/// <param name="Detected">An episode opened inside its detection window.</param>
/// <param name="OnsetIndex">The first onset in the window (a point index), or -1.</param>
/// <param name="RecoveryAlarm">An episode opened in the recovery window after it (always false for a level shift).</param>
/// <param name="AlertedAtOnset">Level shifts only: an episode opened within the onset window.</param>
/// <param name="Stopped">Level shifts only: no point above 1 in the check window after adapt_after; null when the series is too short to check.</param>
public sealed record IncidentOutcome(ScenarioIncident Incident, bool Detected, int OnsetIndex, bool RecoveryAlarm, bool? AlertedAtOnset, bool? Stopped);

/// <summary>One series replayed through one detector: every verdict, where episodes opened, the point labels and the outcomes.</summary>
public sealed record ScenarioSeriesRun(Scenario Scenario, Verdict[] Verdicts, bool[] Onsets, string[] Labels, IReadOnlyList<IncidentOutcome> Outcomes, ScenarioMetrics Metrics);

/// <summary>One detector over the suite: overall, per series kind and per incident kind.</summary>
public sealed record ScenarioReport(
    string Detector,
    TimeSpan AdaptAfter,
    int Series,
    long Points,
    TimeSpan DetectionTime,
    ScenarioMetrics Overall,
    IReadOnlyDictionary<SeriesKind, ScenarioMetrics> BySeriesKind,
    IReadOnlyDictionary<IncidentKind, ScenarioMetrics> ByIncidentKind);

/// <summary>
/// Replays scenario series through a detector exactly as live: one <see cref="ISeriesDetector"/> per series, points in
/// order, each scored before it is learned, and an <see cref="EpisodeTracker"/> per series turning verdicts into onsets.
/// The first <see cref="ScenarioGenerator.HistoryPoints"/> points are history: observed (they warm the detector, as the
/// live loop's history query does) but neither tracked nor counted. docs/benchmarks.md defines every figure.
/// </summary>
public sealed class ScenarioEvaluator
{
    public const string HistoryLabel = "history";
    public const string CleanLabel = "clean";
    public const string RecoveryLabel = "recovery";
    public const string RampTailLabel = "ramp_tail";
    public const string AdaptingLabel = "adapting";

    private readonly ScenarioEvaluationOptions _options;

    public ScenarioEvaluator(ScenarioEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.AdaptAfter <= TimeSpan.Zero || options.SustainedSkipPoints < 0 || options.QuietPoints < 1)
        {
            throw new ArgumentException("adapt_after must be positive, the sustained skip non-negative and quiet points at least 1.", nameof(options));
        }

        _options = options;
    }

    /// <summary>Runs <paramref name="detector"/> over every scenario; <paramref name="onSeries"/> sees each series' full run (e.g. to write it out).</summary>
    public ScenarioReport Evaluate(IDetector detector, IReadOnlyList<Scenario> scenarios, Action<ScenarioSeriesRun>? onSeries = null)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(scenarios);
        var overall = new ScenarioTally();
        var bySeries = new Dictionary<SeriesKind, ScenarioTally>();
        var byIncident = new Dictionary<IncidentKind, ScenarioTally>();
        long points = 0;
        var detecting = TimeSpan.Zero;
        foreach (var scenario in scenarios)
        {
            var started = Stopwatch.GetTimestamp();
            var verdicts = Replay(detector, scenario);
            detecting += Stopwatch.GetElapsedTime(started);
            var run = Measure(scenario, verdicts, byIncident);
            points += scenario.Count;
            overall.Add(run.Metrics);
            Tally(bySeries, scenario.Kind).Add(run.Metrics);
            onSeries?.Invoke(run);
        }

        return new ScenarioReport(
            detector.Type,
            _options.AdaptAfter,
            scenarios.Count,
            points,
            detecting,
            overall.ToMetrics(),
            bySeries.OrderBy(p => p.Key).ToDictionary(p => p.Key, p => p.Value.ToMetrics()),
            byIncident.OrderBy(p => p.Key).ToDictionary(p => p.Key, p => p.Value.ToMetrics()));
    }

    /// <summary>Replays one series and measures it.</summary>
    public ScenarioSeriesRun Run(IDetector detector, Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(scenario);
        return Measure(scenario, Replay(detector, scenario), new Dictionary<IncidentKind, ScenarioTally>());
    }

    /// <summary>Measures given verdicts (one per point of <paramref name="scenario"/>) as if a detector had produced them.</summary>
    public ScenarioSeriesRun Measure(Scenario scenario, Verdict[] verdicts)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(verdicts);
        return Measure(scenario, verdicts, new Dictionary<IncidentKind, ScenarioTally>());
    }

    /// <summary>Each point's label: history, clean, an incident kind, ramp_tail, recovery or adapting. Only clean points count false alarms.</summary>
    public string[] Labels(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var n = scenario.Count;
        var labels = new string[n];
        var history = Math.Min(ScenarioGenerator.HistoryPoints, n);
        Array.Fill(labels, HistoryLabel, 0, history);
        Array.Fill(labels, CleanLabel, history, n - history);
        var adapt = ScenarioEvaluationOptions.Points(_options.AdaptAfter);
        var check = ScenarioEvaluationOptions.Points(_options.ShiftCheckWindow);
        var rampTail = ScenarioEvaluationOptions.Points(_options.RampTolerance);
        var recovery = ScenarioEvaluationOptions.Points(_options.RecoveryWindow);

        // Later writes win: recovery and tails first, then the incidents themselves.
        foreach (var incident in scenario.Incidents)
        {
            if (incident.Kind == IncidentKind.LevelShift)
            {
                Fill(labels, incident.Start + adapt, incident.Start + adapt + check, AdaptingLabel);
                continue;
            }

            var tail = incident.Kind == IncidentKind.Ramp ? rampTail : 0;
            Fill(labels, incident.End + tail, incident.End + tail + recovery, RecoveryLabel);
            Fill(labels, incident.End, incident.End + tail, RampTailLabel);
        }

        foreach (var incident in scenario.Incidents)
        {
            var end = incident.Kind == IncidentKind.LevelShift ? incident.Start + adapt : incident.End;
            Fill(labels, incident.Start, end, ScenarioNames.Of(incident.Kind));
        }

        return labels;
    }

    private static Verdict[] Replay(IDetector detector, Scenario scenario)
    {
        var series = detector.CreateSeries();
        var verdicts = new Verdict[scenario.Count];
        for (var i = 0; i < scenario.Count; i++)
        {
            verdicts[i] = series.Observe(scenario.TimestampsMs[i], scenario.Values[i]);
        }

        return verdicts;
    }

    private ScenarioSeriesRun Measure(Scenario scenario, Verdict[] verdicts, Dictionary<IncidentKind, ScenarioTally> byIncident)
    {
        if (verdicts.Length != scenario.Count)
        {
            throw new ArgumentException($"{scenario.Name}: {verdicts.Length} verdicts for {scenario.Count} points.", nameof(verdicts));
        }

        var n = scenario.Count;
        var labels = Labels(scenario);
        var onsets = new bool[n];
        var tally = new ScenarioTally();
        var tracker = new EpisodeTracker(_options.QuietPoints);
        for (var i = Math.Min(ScenarioGenerator.HistoryPoints, n); i < n; i++)
        {
            var v = verdicts[i];
            var value = scenario.Values[i];
            onsets[i] = tracker.Observe(scenario.TimestampsMs[i], value, v) == EpisodeTransition.Onset;
            if (v.Kind == VerdictKind.Scored)
            {
                tally.ScoredPoints++;
                // The band is a prediction made before the value was seen: an edge that lands exactly on the value
                // (other than a zero-width band around a correct expectation) means it was fitted to the value.
                if (value != v.Expected && (value == v.Lower || value == v.Upper))
                {
                    tally.BandViolations++;
                }
            }
            else
            {
                tally.UnscoredPoints++;
            }

            if (labels[i] == CleanLabel)
            {
                tally.CleanPoints++;
                if (onsets[i])
                {
                    tally.FalseAlarms++;
                }
            }
        }

        var outcomes = new List<IncidentOutcome>(scenario.Incidents.Count);
        foreach (var incident in scenario.Incidents)
        {
            var one = new ScenarioTally();
            outcomes.Add(MeasureIncident(incident, verdicts, onsets, one));
            tally.Add(one.ToMetrics());
            Tally(byIncident, incident.Kind).Add(one.ToMetrics());
        }

        return new ScenarioSeriesRun(scenario, verdicts, onsets, labels, outcomes, tally.ToMetrics());
    }

    private IncidentOutcome MeasureIncident(ScenarioIncident incident, Verdict[] verdicts, bool[] onsets, ScenarioTally tally)
    {
        var n = verdicts.Length;
        tally.Incidents++;
        if (incident.Kind == IncidentKind.LevelShift)
        {
            var adapt = ScenarioEvaluationOptions.Points(_options.AdaptAfter);
            var onset = FirstOnset(onsets, incident.Start, incident.Start + adapt);
            var atOnset = onset >= 0 && onset < incident.Start + ScenarioEvaluationOptions.Points(_options.ShiftOnsetWindow);
            tally.Shifts++;
            tally.Detected += onset >= 0 ? 1 : 0;
            tally.ShiftsAlertedAtOnset += atOnset ? 1 : 0;
            bool? stopped = null;
            var checkFrom = incident.Start + adapt + ScenarioEvaluationOptions.Points(_options.ShiftSettle);
            var checkTo = incident.Start + adapt + ScenarioEvaluationOptions.Points(_options.ShiftCheckWindow);
            if (checkTo <= n)
            {
                stopped = true;
                for (var i = checkFrom; i < checkTo; i++)
                {
                    if (verdicts[i].IsAnomaly)
                    {
                        stopped = false;
                        break;
                    }
                }

                tally.ShiftsChecked++;
                tally.ShiftsStopped += stopped.Value ? 1 : 0;
            }

            return new IncidentOutcome(incident, onset >= 0, onset, false, atOnset, stopped);
        }

        var tail = incident.Kind == IncidentKind.Ramp ? ScenarioEvaluationOptions.Points(_options.RampTolerance) : 0;
        var first = FirstOnset(onsets, incident.Start, incident.End + tail);
        tally.Detected += first >= 0 ? 1 : 0;

        if (incident.Kind is IncidentKind.Step or IncidentKind.Drop)
        {
            for (var i = incident.Start + _options.SustainedSkipPoints; i < Math.Min(incident.End, n); i++)
            {
                tally.SustainedPoints++;
                tally.SustainedAboveOne += verdicts[i].IsAnomaly ? 1 : 0;
            }
        }

        if (incident.Kind == IncidentKind.Step && incident.Magnitude >= _options.LargeStepFactor)
        {
            for (var i = incident.Start; i < Math.Min(incident.End, n); i++)
            {
                tally.AddLargeStepScore(verdicts[i].Kind == VerdictKind.Scored ? verdicts[i].Score : 0);
            }
        }

        var recoveryFrom = incident.End + tail;
        var alarm = FirstOnset(onsets, recoveryFrom, recoveryFrom + ScenarioEvaluationOptions.Points(_options.RecoveryWindow)) >= 0;
        tally.RecoveryChecked++;
        tally.RecoveryAlarms += alarm ? 1 : 0;
        return new IncidentOutcome(incident, first >= 0, first, alarm, null, null);
    }

    private static int FirstOnset(bool[] onsets, int from, int to)
    {
        for (var i = Math.Max(0, from); i < Math.Min(to, onsets.Length); i++)
        {
            if (onsets[i])
            {
                return i;
            }
        }

        return -1;
    }

    private static void Fill(string[] labels, int from, int to, string label)
    {
        from = Math.Max(from, ScenarioGenerator.HistoryPoints);
        for (var i = from; i < Math.Min(to, labels.Length); i++)
        {
            labels[i] = label;
        }
    }

    private static ScenarioTally Tally<TKey>(Dictionary<TKey, ScenarioTally> tallies, TKey key)
        where TKey : notnull
    {
        if (!tallies.TryGetValue(key, out var tally))
        {
            tally = new ScenarioTally();
            tallies.Add(key, tally);
        }

        return tally;
    }
}
