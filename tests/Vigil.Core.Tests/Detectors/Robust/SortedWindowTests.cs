using FsCheck;
using FsCheck.Fluent;
using Vigil.Core.Detectors.Robust;

namespace Vigil.Core.Tests.Detectors.Robust;

public sealed class SortedWindowTests
{
    [Fact]
    public void MedianAndMad_RandomStreams_MatchANaiveSort()
    {
        var cases = from seed in Gen.Choose(0, 1_000_000)
                    from capacity in Gen.Choose(4, 64)
                    from length in Gen.Choose(1, 300)
                    select (seed, capacity, length);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var random = new Random(c.seed);
            var window = new SortedWindow(c.capacity);
            var all = new List<double>();
            for (var i = 0; i < c.length; i++)
            {
                // Few distinct values so duplicates (and MAD = 0) are common.
                var v = random.Next(10) * 0.5;
                window.Add(v);
                all.Add(v);
                var last = all.Skip(Math.Max(0, all.Count - c.capacity)).ToArray();
                var median = NaiveMedian(last);
                var mad = NaiveMedian([.. last.Select(x => Math.Abs(x - median))]);
                if (window.Median() != median || Math.Abs(window.Mad(median) - mad) > 1e-12)
                {
                    return false;
                }
            }

            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void MedianAndMad_Batched_MatchANaiveSortAtEveryCommit()
    {
        var cases = from seed in Gen.Choose(0, 1_000_000)
                    from capacity in Gen.Choose(8, 200)
                    from batch in Gen.Choose(2, 8)
                    select (seed, capacity, batch);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var random = new Random(c.seed);
            var window = new SortedWindow(c.capacity, c.batch);
            var all = new List<double>();
            for (var i = 0; i < c.capacity * 4; i++)
            {
                var v = random.Next(20) * 0.25;
                window.Add(v);
                all.Add(v);
                var committedAll = i < c.capacity || (i + 1 - c.capacity) % c.batch == 0;
                if (!committedAll)
                {
                    continue;
                }

                var last = all.Skip(Math.Max(0, all.Count - c.capacity)).ToArray();
                var median = NaiveMedian(last);
                var mad = NaiveMedian([.. last.Select(x => Math.Abs(x - median))]);
                if (window.Count != last.Length || window.Median() != median || Math.Abs(window.Mad(median) - mad) > 1e-12)
                {
                    return false;
                }
            }

            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Quantile_Interpolates()
    {
        var window = new SortedWindow(5);
        foreach (var v in new[] { 5.0, 1, 4, 2, 3 })
        {
            window.Add(v);
        }

        Assert.Equal(1, window.Quantile(0));
        Assert.Equal(3, window.Quantile(0.5));
        Assert.Equal(4.5, window.Quantile(0.875));
    }

    private static double NaiveMedian(double[] values)
    {
        var sorted = values.Order().ToArray();
        var n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[(n / 2) - 1] + sorted[n / 2]);
    }
}
