namespace Vigil.Core.Detectors.IsolationForest;

/// <summary>Average path length c(n) of an unsuccessful binary-search-tree search (Liu, Ting &amp; Zhou 2008, eq. 1).</summary>
public static class PathLength
{
    /// <summary>The Euler–Mascheroni constant, as numpy's <c>np.euler_gamma</c>.</summary>
    public const double EulerGamma = 0.5772156649015329;

    /// <summary>
    /// c(n) = 2H(n − 1) − 2(n − 1)/n with H(i) ≈ ln(i) + γ, and scikit-learn's special cases
    /// (<c>_average_path_length</c>): 0 for n ≤ 1 and exactly 1 for n = 2, where the harmonic approximation is poor.
    /// Used both for the normaliser c(ψ) and for the leaves that stopped at the depth limit holding n samples.
    /// </summary>
    public static double Average(double n)
    {
        if (n <= 1)
        {
            return 0.0;
        }

        if (n == 2)
        {
            return 1.0;
        }

        return (2.0 * (Math.Log(n - 1.0) + EulerGamma)) - (2.0 * (n - 1.0) / n);
    }
}
