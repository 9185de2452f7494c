namespace Vigil.Backtesting.Scenarios;

/// <summary>
/// The windows and thresholds <see cref="ScenarioEvaluator"/> measures with. Every default is the one documented in
/// docs/benchmarks.md (scenario section); changing one changes what the figures mean.
/// </summary>
public sealed record ScenarioEvaluationOptions
{
    /// <summary>The documented horizon after which a permanent shift must be normal, used when the detector exposes none. Default 6 h.</summary>
    public static readonly TimeSpan DefaultAdaptAfter = TimeSpan.FromHours(6);

    /// <summary>When a permanent shift must have become normal (the detector's <c>adapt_after</c>). Default 6 h.</summary>
    public TimeSpan AdaptAfter { get; init; } = DefaultAdaptAfter;

    /// <summary>A ramp creeps up: an onset this long after its end still counts as detecting it. Default 15 min.</summary>
    public TimeSpan RampTolerance { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>An onset this long after an incident ends (after the ramp tolerance, for ramps) is an alarm on the return to normal. Default 60 min.</summary>
    public TimeSpan RecoveryWindow { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>Points at the start of a step or drop left out of the sustained-score fraction. Default 5.</summary>
    public int SustainedSkipPoints { get; init; } = 5;

    /// <summary>Steps at least this large (×) enter the median-score figure. Default 2.5.</summary>
    public double LargeStepFactor { get; init; } = 2.5;

    /// <summary>A level shift "alerts at its onset" when an episode opens this soon after it. Default 30 min.</summary>
    public TimeSpan ShiftOnsetWindow { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// A level shift has "stopped alerting" when no point scores above 1 in [onset + adapt_after + settle,
    /// onset + adapt_after + <see cref="ShiftCheckWindow"/>). Settle defaults to 15 min.
    /// </summary>
    public TimeSpan ShiftSettle { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>End of the stopped-alerting check, after adapt_after; the same span is kept out of the clean stretches. Default 2 h.</summary>
    public TimeSpan ShiftCheckWindow { get; init; } = TimeSpan.FromHours(2);

    /// <summary>Normal points that separate two episodes (<see cref="Vigil.Core.Detection.EpisodeTracker"/>). Default 10, as live.</summary>
    public int QuietPoints { get; init; } = Vigil.Core.Detection.EpisodeTracker.DefaultQuietPoints;

    internal static int Points(TimeSpan span) => (int)Math.Ceiling(span.TotalMilliseconds / ScenarioGenerator.StepMs);
}
