namespace Vigil.Core.Detectors.Robust;

/// <summary>
/// Rolling median ± k·σ̂ with σ̂ = 1.4826·MAD over the last <see cref="Window"/> points: the 3-sigma band made
/// robust, so the spikes it should catch do not widen it (Hampel filter; Rousseeuw &amp; Croux 1993).
/// </summary>
public sealed record RobustOptions
{
    public const int DefaultWindow = 240;
    public const double DefaultK = 4.0;

    /// <summary>Points in the window. Default 240 (four hours of minutes, twenty hours of 5-minute steps).</summary>
    public int Window { get; init; } = DefaultWindow;

    /// <summary>Band half-width in robust standard deviations (1.4826·MAD). Default 4: MAD bands are tighter than σ bands on heavy-tailed metrics.</summary>
    public double K { get; init; } = DefaultK;

    /// <summary>Points before the first verdict. Default: a quarter of the window.</summary>
    public int MinPoints { get; init; } = DefaultWindow / 4;
}
