namespace Vigil.Core.Detection;

/// <summary>
/// The counting-law quantile of item 34 (<see cref="CountShiftTest.CountUpper"/>) without summing the pmf from 0 on every
/// point. The rate and the dispersion move a little between points, so the quantile rarely moves: start from the last one
/// (the hint of <see cref="Upper"/>), take the pmf there in closed form (Poisson: a log-factorial table; the
/// negative binomial: a log-gamma ratio), and decide whether the tail P(X &gt; q) is above or below the tail asked for from
/// a few of its terms with a geometric bound on the rest; walk q up or down while it is not the answer.
/// <para>
/// Exact, not approximate: a comparison is decided only when the tail's interval lies outside <see cref="Guard"/> of the
/// tail asked for (far wider than the rounding of either computation: the reference's cumulative sum is within about
/// 3e-13 of the true tail, this one within 1e-9 of it relative); anything undecided, out of range or not found within a few
/// steps is handed to the reference loop itself. So the result is <see cref="CountShiftTest.CountUpper"/>'s, and the verdicts
/// are main's (tests/Vigil.Core.Tests/Detection/CountQuantileTests.cs; the scenario CSVs byte-identical, docs/benchmarks.md).
/// </para>
/// </summary>
internal static class CountQuantile
{
    // Where the fast path answers: item 34 asks at most 20 effective events (80 counts at the largest count dispersion, 4),
    // tails of 1e-6 to 1e-2. Outside this, or far from the last quantile, the reference loop answers.
    private const double MaxMean = 200;
    private const double MaxDispersion = 8;
    private const double MinTail = 1e-9;
    private const double MaxTail = 0.25;
    private const int MaxSteps = 6;
    private const int MaxTerms = 48;

    // Above this shape r = mean/(φ − 1) the log-gamma ratio cancels too much (φ within a few 1e-5 of 1): the reference answers.
    private const double MaxShape = 1e5;

    // Below this argument the log-gamma is taken from a shifted one (Stirling's series to x⁻⁷ is within 1e-12 from 10 on).
    private const double StirlingFrom = 10;

    private static readonly double[] LogFactorials = CreateLogFactorials(1024);

    private static double[] CreateLogFactorials(int count)
    {
        var table = new double[count];
        var sum = 0.0;
        for (var k = 1; k < count; k++)
        {
            sum += Math.Log(k);
            table[k] = sum;
        }

        return table;
    }

    /// <summary>
    /// <see cref="CountShiftTest.CountUpper"/>(<paramref name="mean"/>, <paramref name="dispersion"/>, <paramref name="tail"/>),
    /// walked from <paramref name="hint"/> (the last answer at this call site; 0 before the first), which it then holds.
    /// </summary>
    public static int Upper(double mean, double dispersion, double tail, ref int hint)
    {
        var q = hint > 0 ? Walk(mean, dispersion, tail, hint) : -1;
        hint = q >= 0 ? q : CountShiftTest.CountUpper(mean, dispersion, tail);
        return hint;
    }

    /// <summary>How far from the tail asked for a comparison must be to be decided here (else the reference loop answers).</summary>
    private static double Guard(double tail) => 1e-12 + (1e-8 * tail);

    /// <summary>The answer found by walking from <paramref name="start"/>, or −1 where the reference loop must answer.</summary>
    internal static int Walk(double mean, double dispersion, double tail, int start)
    {
        if (!(mean > 0 && mean <= MaxMean && dispersion >= 1 && dispersion <= MaxDispersion && tail >= MinTail && tail <= MaxTail))
        {
            return -1;
        }

        var excess = dispersion - 1;
        var poisson = excess == 0;
        if (!poisson && !(excess > 1e-9 && mean / excess <= MaxShape))
        {
            return -1;
        }

        var q = Math.Min(start, LogFactorials.Length - MaxTerms - MaxSteps - 2);
        var pmf = Math.Exp(LogPmf(mean, dispersion, excess, poisson, q));
        var guard = Guard(tail);
        var up = false;
        var down = false;
        for (var step = 0; step <= MaxSteps; step++)
        {
            // The tail above q, P(X > q), decided against the tail asked for.
            if (!TailAbove(mean, dispersion, excess, q, pmf, tail, guard, out var low))
            {
                return -1;
            }

            if (low > tail + guard)
            {
                // Above the tail: the answer is higher (or, coming down, the q above this one).
                if (down)
                {
                    return q + 1;
                }

                pmf *= Ratio(mean, dispersion, excess, q);
                q++;
                up = true;
                continue;
            }

            // P(X > q) ≤ tail: q is the answer unless P(X > q − 1) = P(X > q) + p(q) is at most the tail too (known above
            // it when the walk came up; decided by the terms already summed where they suffice).
            if (up || q == 0 || low + pmf > tail + guard)
            {
                return q;
            }

            q--;
            pmf /= Ratio(mean, dispersion, excess, q);
            down = true;
        }

        return -1;
    }

    /// <summary>p(k + 1)/p(k) = (mean + k(φ − 1))/(φ(k + 1)): the reference's recursion.</summary>
    private static double Ratio(double mean, double dispersion, double excess, int k) => (mean + (k * excess)) / (dispersion * (k + 1));

    /// <summary>
    /// Decides P(X &gt; q) against <paramref name="tail"/> from p(q) = <paramref name="pmf"/>: its terms are summed
    /// (<paramref name="low"/>) until the sum is above the tail or the sum plus a geometric bound on the rest is below it
    /// (the ratio p(k + 1)/p(k) is monotone in k towards (φ − 1)/φ, so the larger of the two bounds every later ratio), each
    /// by more than the guard. False where it stays undecided.
    /// </summary>
    private static bool TailAbove(double mean, double dispersion, double excess, int q, double pmf, double tail, double guard, out double low)
    {
        var limit = excess / dispersion;
        var term = pmf;
        var next = Ratio(mean, dispersion, excess, q);
        low = 0;
        for (var k = q; k < q + MaxTerms; k++)
        {
            term *= next;
            low += term;
            next = Ratio(mean, dispersion, excess, k + 1);
            var ratio = Math.Max(next, limit);
            if (low > tail + guard || (ratio < 1 && low + (term * ratio / (1 - ratio)) < tail - guard))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// ln p(k) for the negative binomial of mean μ and variance φ·μ (shape r = μ/(φ − 1), p(0) = φ^−r):
    /// −r·ln φ + k·ln((φ − 1)/φ) + ln Γ(r + k) − ln Γ(r) − ln k!; the Poisson's −μ + k·ln μ − ln k! at φ = 1.
    /// </summary>
    private static double LogPmf(double mean, double dispersion, double excess, bool poisson, int k)
    {
        if (poisson)
        {
            return -mean + (k == 0 ? 0 : k * Math.Log(mean)) - LogFactorials[k];
        }

        var shape = mean / excess;
        var lnPhi = Math.Log(dispersion);
        if (k == 0)
        {
            return -shape * lnPhi;
        }

        if (shape >= StirlingFrom)
        {
            // The same with Stirling's series for both log-gammas and ln r = ln μ − ln(φ − 1), ln(r + k) = ln(μ + k(φ − 1))
            // − ln(φ − 1): the ln(φ − 1) terms cancel, three logarithms instead of four.
            var top = mean + (k * excess);
            return (-(shape + k) * lnPhi) + ((shape + k - 0.5) * Math.Log(top)) - ((shape - 0.5) * Math.Log(mean)) - k
                + Series(shape + k) - Series(shape) - LogFactorials[k];
        }

        return (-shape * lnPhi) + (k * (Math.Log(excess) - lnPhi)) + LogGammaRatio(shape, k) - LogFactorials[k];
    }

    /// <summary>ln Γ(r + k) − ln Γ(r) for k ≥ 1: Stirling's series from 10 on, the product (r)(r + 1)… below.</summary>
    private static double LogGammaRatio(double r, int k)
    {
        if (r >= StirlingFrom)
        {
            return Stirling(r + k) - Stirling(r);
        }

        // Γ(r + n)/Γ(r) = r(r + 1)…(r + n − 1), with r + n ≥ 10 (at most 10 factors below 20: no overflow).
        var n = (int)Math.Ceiling(StirlingFrom - r);
        var product = 1.0;
        for (var j = 0; j < Math.Min(n, k); j++)
        {
            product *= r + j;
        }

        return k <= n ? Math.Log(product) : Math.Log(product) + Stirling(r + k) - Stirling(r + n);
    }

    /// <summary>ln Γ(x) less ½·ln 2π (which cancels in a ratio), x ≥ 10: within 1e-12.</summary>
    private static double Stirling(double x) => ((x - 0.5) * Math.Log(x)) - x + Series(x);

    /// <summary>Stirling's correction 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷), x ≥ 10.</summary>
    private static double Series(double x)
    {
        var inverse = 1 / x;
        var square = inverse * inverse;
        return inverse * ((1.0 / 12) - (square * ((1.0 / 360) - (square * ((1.0 / 1260) - (square / 1680))))));
    }
}
