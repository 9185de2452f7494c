namespace Vigil.Core.Detectors.Ewma;

/// <summary>
/// Exponentially weighted mean and variance (West 1979; Finch 2009, "Incremental calculation of weighted mean and
/// variance"), scored as a z-score: old points fade instead of dropping off a window edge, and state is three numbers.
/// </summary>
public sealed record EwmaOptions
{
    public const double DefaultAlpha = 0.02;
    public const double DefaultK = 4.0;
    public const int DefaultMinPoints = 30;

    /// <summary>Weight of the newest point (0 &lt; α &lt; 1). Default 0.02: a half-life of about 35 points.</summary>
    public double Alpha { get; init; } = DefaultAlpha;

    /// <summary>Band half-width in (exponentially weighted) standard deviations. Default 4.</summary>
    public double K { get; init; } = DefaultK;

    /// <summary>Points before the first verdict. Default 30.</summary>
    public int MinPoints { get; init; } = DefaultMinPoints;
}
