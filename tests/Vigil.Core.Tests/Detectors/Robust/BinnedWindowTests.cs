using FsCheck;
using FsCheck.Fluent;
using Vigil.Core.Detectors.Robust;

namespace Vigil.Core.Tests.Detectors.Robust;

public sealed class BinnedWindowTests
{
    [Fact]
    public void Statistics_RandomStreamsAndBinnings_ExactMedianAndMadQuantilesWithinBinWidths()
    {
        // Shapes: quantised with many ties, smooth noise, noise with far outliers, flat; re-binned at random centres and
        // widths (including ones that put everything in one bin or in the edge bins). The median is exact for any
        // binning; the MAD is within two bin widths and the quantiles within one (evenly spread within a bin; a value is
        // misplaced by at most a sliver of a bin by rounding), and exact where an edge bin holds the answer.
        var cases = from seed in Gen.Choose(0, 1_000_000)
                    from capacity in Gen.Choose(4, 300)
                    from length in Gen.Choose(1, 700)
                    from shape in Gen.Choose(0, 3)
                    select (seed, capacity, length, shape);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var random = new Random(c.seed);
            var window = new BinnedWindow(c.capacity);
            var all = new List<double>();
            for (var i = 0; i < c.length; i++)
            {
                var v = c.shape switch
                {
                    0 => random.Next(10) * 0.5,
                    1 => 1e6 + random.NextDouble(),
                    2 => random.Next(50) == 0 ? 1e9 * (random.NextDouble() - 0.5) : random.NextDouble() * 3,
                    _ => 42.0,
                };
                window.Add(v);
                all.Add(v);
                if (random.Next(4) != 0)
                {
                    continue;
                }

                if (random.Next(5) == 0)
                {
                    window.Rebin(all[random.Next(all.Count)], Math.Pow(10, random.Next(-12, 6)));
                }

                var last = all.Skip(Math.Max(0, all.Count - c.capacity)).Order().ToArray();
                var median = Median(last);
                var mad = Median([.. last.Select(x => Math.Abs(x - median)).Order()]);
                window.Statistics(0.01, 0.99, out var m, out var d, out var low, out var high);
                var w = window.BinWidth;
                if (c.shape == 3 && (d != 0 || low != 42 || high != 42))
                {
                    throw new InvalidOperationException($"seed {c.seed}: a flat window must have MAD 0 and quantiles 42 exactly, not {d}, {low}, {high}");
                }

                if (m != median || window.Median() != median || !(Math.Abs(d - mad) <= 2.05 * w)
                    || !(Math.Abs(low - Quantile(last, 0.01)) <= 1.05 * w) || !(Math.Abs(high - Quantile(last, 0.99)) <= 1.05 * w))
                {
                    throw new InvalidOperationException($"seed {c.seed}, point {i}, bin width {w}: ({m}, {d}, {low}, {high}) vs ({median}, {mad}, {Quantile(last, 0.01)}, {Quantile(last, 0.99)})");
                }
            }
        }).QuickCheckThrowOnFailure();
    }

    private static double Median(double[] sorted)
    {
        var n = sorted.Length;
        return (n & 1) == 1 ? sorted[n / 2] : 0.5 * (sorted[(n / 2) - 1] + sorted[n / 2]);
    }

    private static double Quantile(double[] sorted, double q)
    {
        var pos = q * (sorted.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((pos - lo) * (sorted[hi] - sorted[lo]));
    }
}
