namespace Vigil.Core.Detectors.Auto;

/// <summary>
/// Options of <c>auto</c>, the "tripwire" ensemble (docs/detectors.md explains each stage). Every default is one
/// global setting measured on the NAB corpus (docs/benchmarks.md); none is per series.
/// </summary>
public sealed record AutoOptions
{
    /// <summary>Points in the local robust window (median/MAD). Default 64.</summary>
    public int LocalWindow { get; init; } = 64;

    /// <summary>Points collected before Holt-Winters is fitted and the season detected by autocorrelation. Default 600.</summary>
    public int FitPoints { get; init; } = 600;

    /// <summary>Points before the first verdict. Default 32.</summary>
    public int MinPoints { get; init; } = 32;

    /// <summary>Scale floor as a fraction of the range seen so far (max − min): moves smaller than this are noise. Default 0.01.</summary>
    public double RangeFloor { get; init; } = 0.01;

    /// <summary>Cap on the surprise (z) of one point, so one wild point does not dominate the averages. Default 20.</summary>
    public double ZCap { get; init; } = 20;

    /// <summary>Points in the fast surprise average (spikes). Default 3.</summary>
    public int ShortWindow { get; init; } = 3;

    /// <summary>Points in the slow surprise average (sustained changes, bursts); 0 disables it. Default 24.</summary>
    public int SlowWindow { get; init; } = 24;

    /// <summary>Forgetting weight of the running distribution of surprise. Default 0.001 (memory of about 1000 points).</summary>
    public double LongAlpha { get; init; } = 0.001;

    /// <summary>Standardised fast surprise that scores 1. Default 8.</summary>
    public double Threshold { get; init; } = 8;

    /// <summary>Standardised slow surprise that scores 1. Default 5.5.</summary>
    public double SlowThreshold { get; init; } = 5.5;

    /// <summary>Points after an alert during which the same episode is damped (the way CAD OSE rests). Default 100.</summary>
    public int RestPoints { get; init; } = 100;

    /// <summary>Factor applied to scores during the rest period. Default 0.6.</summary>
    public double RestFactor { get; init; } = 0.6;

    /// <summary>Fraction of the range seen so far by which a value must pass the all-time min/max to be a new extreme. Default 0.05.</summary>
    public double NoveltyTolerance { get; init; } = 0.05;

    /// <summary>Score of a new extreme (0 disables both novelty tripwires). Default 2.</summary>
    public double NoveltyScore { get; init; } = 2;

    /// <summary>Points before a novelty tripwire may fire (the range must be learned first). Default 300.</summary>
    public int NoveltyMinPoints { get; init; } = 300;

    /// <summary>Weight of the newest point in the smoothed level (0 disables the level tripwire). Default 0.1.</summary>
    public double SmoothAlpha { get; init; } = 0.1;

    /// <summary>Fraction of the range by which the smoothed level must pass its own all-time min/max. Default 0.01.</summary>
    public double SmoothTolerance { get; init; } = 0.01;

    /// <summary>Score of the level tripwire at the tolerance. Default 1.</summary>
    public double SmoothScore { get; init; } = 1;

    /// <summary>Extra score per range-fraction beyond the smoothed level's extremes, so larger shifts rank higher. Default 5.</summary>
    public double SmoothSlope { get; init; } = 5;

    /// <summary>Scores are multiplied by min(1, |x − expected| / (Gate·σ)): a value at its expectation scores 0. Default 2.</summary>
    public double Gate { get; init; } = 2;

    /// <summary>Points either side of "one season ago" searched by the seasonal context (negative disables it). Default 2.</summary>
    public int SeasonSlack { get; init; } = 2;

    /// <summary>Earlier seasons that must all hold a similar value for the seasonal context to excuse one. Default 1.</summary>
    public int SeasonDepth { get; init; } = 1;

    /// <summary>Band half-width, in the baseline's σ, reported as Lower/Upper. Default 4.</summary>
    public double BandK { get; init; } = 4;
}
