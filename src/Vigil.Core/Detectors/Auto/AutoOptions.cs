namespace Vigil.Core.Detectors.Auto;

/// <summary>
/// The default ensemble. See docs/detectors.md for how and why; every default here is the global setting measured on NAB.
/// </summary>
public sealed record AutoOptions
{
    /// <summary>Points in the local robust window (median/MAD). Default 64.</summary>
    public int LocalWindow { get; init; } = 64;

    /// <summary>Points collected before Holt-Winters is fitted (season detected by autocorrelation). Default 600.</summary>
    public int FitPoints { get; init; } = 600;

    /// <summary>Points before the first verdict. Default 32.</summary>
    public int MinPoints { get; init; } = 32;

    /// <summary>Scale floor as a fraction of the observed range (max − min so far): moves smaller than this are noise. Default 0.01.</summary>
    public double RangeFloor { get; init; } = 0.01;

    /// <summary>Cap on a component's z-score before averaging, so one wild point does not mask the next. Default 20.</summary>
    public double ZCap { get; init; } = 20;

    /// <summary>Points in the short average of surprise. Default 3.</summary>
    public int ShortWindow { get; init; } = 3;

    /// <summary>Forgetting weight of the long-run surprise distribution. Default 0.002 (memory of about 500 points).</summary>
    public double LongAlpha { get; init; } = 0.002;

    /// <summary>Standardised surprise that maps to score 1. Default 4.</summary>
    public double Threshold { get; init; } = 4;

    /// <summary>Points after an alert during which further alerts of the same episode are damped. Default 100.</summary>
    public int RestPoints { get; init; } = 100;

    /// <summary>Factor applied to scores during the rest period. Default 0.5.</summary>
    public double RestFactor { get; init; } = 0.5;

    /// <summary>Fraction of the observed range beyond the all-time min/max that counts as a new extreme. Default 0.05.</summary>
    public double NoveltyTolerance { get; init; } = 0.05;

    /// <summary>Score given to a new extreme (0 disables the novelty component). Default 2.</summary>
    public double NoveltyScore { get; init; } = 2;

    /// <summary>Points before the novelty component may fire (the range must be learned first). Default 300.</summary>
    public int NoveltyMinPoints { get; init; } = 300;

    /// <summary>Scores are multiplied by min(1, |x − expected| / (Gate·σ)) so a value at its expectation scores 0. Default 1.</summary>
    public double Gate { get; init; } = 1;

    /// <summary>Points either side of "one season ago" searched by the seasonal-naive context (negative disables it). Default 2.</summary>
    public int SeasonSlack { get; init; } = 2;

    public int Mode { get; init; }

    public int SeasonDepth { get; init; } = 1;

    public double PeakDecay { get; init; } = 0.999;

    public double PeakFloor { get; init; } = 1;

    /// <summary>Band half-width (in the primary baseline's σ) reported as Lower/Upper. Default 4.</summary>
    public double BandK { get; init; } = 4;
}
