namespace Vigil.Core.Detection;

/// <summary>How a baseline's working scale relates to the values it judges (docs/detectors.md, "Working scale").</summary>
internal enum TransformKind : byte
{
    /// <summary>Values as they are: additive noise (utilisation, temperatures, anything that goes negative).</summary>
    Identity = 0,

    /// <summary>
    /// Anscombe's square root, 2·√(x + 3/8): a Poisson count has about unit variance on it whatever its mean, so a
    /// count of 2 a minute at night and 40 at noon are judged on the same noise.
    /// </summary>
    Counts = 1,

    /// <summary>
    /// asinh(x / s): logarithmic well above the knee s, linear near 0 (so 0 and small values stay defined). Latencies
    /// and rates spread in proportion to their level; on this scale their noise is the same at every level, and a
    /// heavy right tail is compressed.
    /// </summary>
    Log = 2,
}

/// <summary>
/// A strictly increasing map from values to the working scale a baseline learns on, and back. Monotone both ways, so a
/// band computed on the working scale maps to a band around the same expectation in values (lower ≤ expected ≤ upper),
/// and a value is outside the mapped band exactly when its image is outside the working band.
/// </summary>
internal readonly record struct ValueTransform(TransformKind Kind, double Knee)
{
    public static ValueTransform Identity { get; } = new(TransformKind.Identity, 1);

    public double ToWorking(double x) => Kind switch
    {
        TransformKind.Counts => x >= -0.375 ? 2 * Math.Sqrt(x + 0.375) : -2 * Math.Sqrt(-0.375 - x),
        TransformKind.Log => Math.Asinh(x / Knee),
        _ => x,
    };

    public double FromWorking(double y) => Kind switch
    {
        TransformKind.Counts => y >= 0 ? (0.25 * y * y) - 0.375 : (-0.25 * y * y) - 0.375,
        TransformKind.Log => Knee * Math.Sinh(y),
        _ => y,
    };
}
