namespace Vigil.Core.Detectors.IsolationForest;

/// <summary>The precision features are rounded to before trees compare them with thresholds.</summary>
public enum InputPrecision
{
    /// <summary>Full double precision: Vigil's own models.</summary>
    Exact = 0,

    /// <summary>
    /// Round to float32 first, as scikit-learn does (its trees validate X with <c>dtype=np.float32</c> and compare
    /// <c>(float)x &lt;= (double)threshold</c>). Models converted from scikit-learn need it for exact parity.
    /// </summary>
    Rounded32Bit = 1,
}
