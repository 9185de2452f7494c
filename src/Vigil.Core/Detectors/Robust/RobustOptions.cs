using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.Robust;

/// <summary>
/// Rolling median ± k·σ̂ over the last <see cref="Window"/> points: the 3-sigma band made robust, so the spikes
/// it should catch do not widen it (Hampel filter; Rousseeuw &amp; Croux 1993). σ̂ is the larger of 1.4826·MAD and the
/// normal-equivalent spread of the window's outer quantiles (<see cref="TailQuantile"/>): on spiky metrics the MAD
/// alone is tiny (most points sit on the floor) and every routine spike would alert.
/// </summary>
public sealed record RobustOptions
{
    public const int DefaultWindow = 1000;
    public const double DefaultK = 6.0;
    public const double DefaultTailQuantile = 0.01;

    /// <summary>Points in the window. Default 1000 (about 17 hours of minutes, 3.5 days of 5-minute steps).</summary>
    public int Window { get; init; } = DefaultWindow;

    /// <summary>Band half-width in robust standard deviations. Default 6 (measured on NAB so score &gt; 1 sits at the best threshold).</summary>
    public double K { get; init; } = DefaultK;

    /// <summary>Points before the first verdict. Default 100.</summary>
    public int MinPoints { get; init; } = 100;

    /// <summary>Scale floor as a fraction of the range seen so far (see RangeTracker): quantised or flat series do not score every wiggle. Default 0.01.</summary>
    /// <summary>
    /// Outer quantile q whose spread (Q(1−q) − Q(q)) / (2·z₁₋q) also bounds σ̂ from below; one of 0 (off), 0.01, 0.02,
    /// 0.05, 0.1, 0.25. Default 0.01.
    /// </summary>
    public double TailQuantile { get; init; } = DefaultTailQuantile;

    public double RangeFloor { get; init; } = 0.01;

    /// <summary>The shared contract parameters: shift test and <c>adapt_after</c> (see <see cref="ContractOptions"/>); the shift test is off unless configured.</summary>
    public ContractOptions Contract { get; init; } = ContractOptions.WithoutShift;
}
