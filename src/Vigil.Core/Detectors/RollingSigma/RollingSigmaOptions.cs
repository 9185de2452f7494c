using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.RollingSigma;

/// <summary>Rolling mean ± k·σ over the last <see cref="Window"/> points (the business-metrics design's 3-sigma).</summary>
public sealed record RollingSigmaOptions
{
    public const int DefaultWindow = 180;
    public const double DefaultK = 3.0;

    /// <summary>Points of history in the window. Default 180 (three hours of minutes).</summary>
    public int Window { get; init; } = DefaultWindow;

    /// <summary>Band half-width in standard deviations. Default 3.</summary>
    public double K { get; init; } = DefaultK;

    /// <summary>Points of history before the first verdict. Default: half the window.</summary>
    public int MinPoints { get; init; } = DefaultWindow / 2;

    /// <summary>The shared contract parameters: shift test and <c>adapt_after</c> (see <see cref="ContractOptions"/>); the shift test is off unless configured.</summary>
    public ContractOptions Contract { get; init; } = ContractOptions.WithoutShift;
}
