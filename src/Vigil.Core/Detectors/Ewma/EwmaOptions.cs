using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.Ewma;

/// <summary>
/// Exponentially weighted mean and variance (West 1979; Finch 2009, "Incremental calculation of weighted mean and
/// variance"), scored as a z-score: old points fade instead of dropping off a window edge, and state is three numbers.
/// </summary>
public sealed record EwmaOptions
{
    public const double DefaultAlpha = 0.001;
    public const double DefaultK = 7.0;
    public const int DefaultMinPoints = 30;

    /// <summary>
    /// Weight of the newest point (0 &lt; α &lt; 1). Default 0.001: a half-life of about 700 points, a long-run baseline
    /// (short memories adapt σ to every turbulent hour and rank worse on NAB: 0.003 → 43.7, 0.02 → 41.2 standard).
    /// </summary>
    public double Alpha { get; init; } = DefaultAlpha;

    /// <summary>Band half-width in (exponentially weighted) standard deviations. Default 7 (score &gt; 1 then sits at NAB's best threshold).</summary>
    public double K { get; init; } = DefaultK;

    /// <summary>Points before the first verdict. Default 30.</summary>
    public int MinPoints { get; init; } = DefaultMinPoints;

    /// <summary>Scale floor as a fraction of the range seen so far (see RangeTracker): quantised or flat series do not score every wiggle. Default 0.01.</summary>
    public double RangeFloor { get; init; } = 0.01;

    /// <summary>The shared contract parameters: shift test and <c>adapt_after</c> (see <see cref="ContractOptions"/>); the shift test is off unless configured.</summary>
    public ContractOptions Contract { get; init; } = ContractOptions.WithoutShift;
}
