namespace Vigil.Core.Features;

/// <summary>Per-feature transform fitted at training time and stored in the model file.</summary>
public enum ScalingKind
{
    /// <summary>Values are used as they come (trees are scale-invariant per feature; scaling matters for float32 resolution and readability).</summary>
    None = 0,

    /// <summary>(x − mean) / standard deviation.</summary>
    Standard = 1,

    /// <summary>(x − median) / IQR: robust to the outliers a training window of a misbehaving system contains.</summary>
    Robust = 2,
}
