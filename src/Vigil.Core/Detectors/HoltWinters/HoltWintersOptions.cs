using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.HoltWinters;

/// <summary>
/// Additive Holt-Winters (level, trend, season; Hyndman &amp; Athanasopoulos, FPP3 §8.3) with the season length
/// configured or detected by autocorrelation, and α, β, γ fitted by grid search on the warm-up points.
/// Anomalous points are not learned (the detection contract) and the residuals of the
/// normal ones are clipped at ±ClipK·σ; a lasting shift becomes the new level after <c>adapt_after</c>.
/// </summary>
public sealed record HoltWintersOptions
{
    public const int DefaultFitPoints = 600;
    public const double DefaultK = 9.0;
    public const double DefaultMinAutocorrelation = 0.3;

    /// <summary>Season length in points: 0 detects it from the warm-up data, 1 means no season. Default 0.</summary>
    public int Season { get; init; }

    /// <summary>
    /// Points collected before fitting (and before the first verdict). Default 600: with 5-minute steps two days,
    /// enough to see a daily season (288 points) twice; the detected season is at most half of this.
    /// </summary>
    public int FitPoints { get; init; } = DefaultFitPoints;

    /// <summary>Band half-width in residual standard deviations. Default 9 (σ from mean |residual|; score &gt; 1 then sits near NAB's best threshold).</summary>
    public double K { get; init; } = DefaultK;

    /// <summary>Residuals are clipped at ±ClipK·σ before they are learned, so an anomaly does not drag the baseline. Default 16.</summary>
    public double ClipK { get; init; } = 16;

    /// <summary>Autocorrelation a candidate season length must reach to be used. Default 0.3.</summary>
    public double MinAutocorrelation { get; init; } = DefaultMinAutocorrelation;

    /// <summary>
    /// Residual scale from raw residuals (true) or from residuals clipped at the band (false). Default true: on
    /// spiky series a clipped scale stays tiny and every routine spike alerts.
    /// </summary>
    public bool RawScale { get; init; } = true;

    /// <summary>Largest level smoothing α the fit may choose. Default 0.02: a slow level, with shifts handled by re-anchoring.</summary>
    public double MaxAlpha { get; init; } = 0.02;

    /// <summary>Weight of the newest residual in the residual scale. Default 0.003 (about 330 points).</summary>
    public double ScaleAlpha { get; init; } = 0.003;

    /// <summary>Scale floor as a fraction of the range seen so far (see RangeTracker): quantised or flat series do not score every wiggle. Default 0.05.</summary>
    public double RangeFloor { get; init; } = 0.05;

    /// <summary>The shared contract parameters: shift test and <c>adapt_after</c> (see <see cref="ContractOptions"/>); the shift test is off unless configured.</summary>
    public ContractOptions Contract { get; init; } = ContractOptions.WithoutShift;
}
