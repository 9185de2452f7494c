using Vigil.Core.Detection;
using Vigil.Core.Tests.Detectors;

namespace Vigil.Core.Tests.Detection;

/// <summary>
/// The novelty edge of counts and ratios of counts (docs/detectors.md, <c>auto</c> item 33): a count's ordinary values,
/// those the counting law at its learned rate makes likely, never page as records, while a real burst still does. Series
/// at one-minute steps from 2024-01-01 00:00 UTC, seeds 1–5; failures print the seed and what paged.
/// </summary>
public sealed class CountNoveltyTests
{
    private const int Day = 1440;

    /// <summary><c>auto</c> with <c>count_ordinary_tail=1e-4</c> (opt-in, item 33) and <paramref name="parameters"/>.</summary>
    private static IDetector Auto(params (string Key, string Value)[] parameters) => Synthetic.Create("auto", [(ContractOptions.CountOrdinaryTailKey, "1e-4"), .. parameters]);

    /// <summary>
    /// An error ratio a minute: requests follow a daily curve (<paramref name="peak"/> at 14:00, 0.4 of it at night, with
    /// Poisson-like noise) and each request fails with probability <paramref name="ratio"/>, so at night, with fewer
    /// requests behind it, the ratio is noisier. × <paramref name="factor"/> at minute <paramref name="at"/>.
    /// </summary>
    private static double[] ErrorRatio(int n, double peak, double ratio, int at, double factor, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            var d = ((i % Day / 60.0) - 14) / 3.5;
            var mean = peak * (0.4 + (0.6 * Math.Exp(-0.5 * d * d)));
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var requests = Math.Max(1, Math.Round(mean + (Math.Sqrt(mean) * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2))));
            var errors = Synthetic.Poisson(random, ratio * requests);
            values[i] = i == at ? factor * ratio : Math.Min(errors, requests) / requests;
        }

        return values;
    }

    private static string Describe(double[] values, Verdict[] verdicts, List<int> onsets)
        => string.Join(", ", onsets.Select(i => $"{values[i]:G4} at minute {i} (expected {verdicts[i].Expected:G3}, upper {verdicts[i].Upper:G4}, {verdicts[i].Test})"));

    [Theory]
    [InlineData(0.6, 1, 1e-5, 6)]
    [InlineData(0.3, 1, 1e-5, 5)]
    [InlineData(3, 1, 1e-5, 13)]
    [InlineData(3, 1, 1e-4, 11)]
    [InlineData(2, 1, 1e-5, 10)]
    [InlineData(20, 1, 1e-5, 42)]
    public void CountUpper_Poisson_IsTheLargestValueAboveTheTail(double mean, double dispersion, double tail, int expected)
    {
        // P(X ≥ k) for X Poisson(0.6): 6 → 3.9e-5, 7 → 3.3e-6, so at 1e-5 a 6 is ordinary and a 7 is not.
        Assert.Equal(expected, CountShiftTest.CountUpper(mean, dispersion, tail));
    }

    [Theory]
    [InlineData(0.6, 1.5)]
    [InlineData(3, 1.2)]
    [InlineData(10, 3)]
    public void CountUpper_Overdispersed_MatchesTheNegativeBinomialSummedDirectly(double mean, double dispersion)
    {
        // Negative binomial with mean m and variance φ·m: r = m/(φ − 1) successes, success probability 1/φ; P(X = k) from
        // the gamma function, summed from the top of a long range.
        var r = mean / (dispersion - 1);
        var q = 1 / dispersion;
        double Pmf(int k) => Math.Exp(LogGamma(k + r) - LogGamma(r) - LogGamma(k + 1) + (r * Math.Log(q)) + (k * Math.Log(1 - q)));
        var k = CountShiftTest.CountUpper(mean, dispersion, 1e-5);
        var atK = Enumerable.Range(k, 2000).Sum(Pmf);
        var past = atK - Pmf(k);
        Assert.True(atK > 1e-5 && past <= 1e-5, $"k {k}: P(X ≥ k) = {atK:G3}, P(X > k) = {past:G3}");
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, nine terms).</summary>
    private static double LogGamma(double x)
    {
        double[] c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        var a = c[0];
        var t = x + 7.5;
        for (var i = 1; i < 9; i++)
        {
            a += c[i] / (x + i);
        }

        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(a);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.6)]
    [InlineData(2)]
    public void Observe_QuietFlatCount_PagesAtMostOnceInThreeDays(double rate)
    {
        // An error or retry count of a few events a minute or less, three quiet days from its first point. Its ordinary
        // minutes of 4 or 5 events (at 0.6 a minute, P(X ≥ 4) ≈ 0.34 %: five a day) are not records: the novelty edge of
        // its first five hours (a 3) used to page on each of them (1–18 episodes in three days per seed).
        Synthetic.AssertEverySeed(seed =>
        {
            var values = Synthetic.FlatCount(3 * Day, rate, int.MaxValue, int.MaxValue, 1, seed);
            var verdicts = Synthetic.RunMinutes(Auto(), values);
            var onsets = Synthetic.Onsets(verdicts);
            return onsets.Count > 1 ? $"seed {seed}: {onsets.Count} episodes: {Describe(values, verdicts, onsets)}" : null;
        });
    }

    [Fact]
    public void Observe_GaugeInWholeNumbers_IsNotACountAndKeepsItsEdges()
    {
        // A queue that sits at 16 (whole numbers that barely move: variance far below the mean) is a gauge, not a count of
        // events: a step to 19 pages as it does without the counting law (which would call 19 ordinary at a rate of 16).
        const int at = (2 * Day) + 600;
        Synthetic.AssertEverySeed(seed =>
        {
            var random = new Random(seed);
            var values = Enumerable.Range(0, at + 10).Select(_ => random.NextDouble() < 0.02 ? 17.0 : 16.0).ToArray();
            values[at] = 19;
            var verdicts = Synthetic.RunMinutes(Auto(), values);
            return verdicts[at].IsAnomaly ? null : $"seed {seed}: 19 scored {verdicts[at].Score:F2} (upper {verdicts[at].Upper:G4})";
        });
    }

    [Fact]
    public void Observe_SeriesThatIsNotACount_VerdictsUnchanged()
    {
        // The counting law is asked only where the count shift test recognises a count or a ratio of counts: a latency's
        // verdicts are the same bit for bit with and without count_ordinary_tail.
        var values = Synthetic.LatencySeries(3 * Day, 0.1, int.MaxValue, int.MaxValue, 1, seed: 1);
        var with = Synthetic.RunMinutes(Auto(), values);
        var without = Synthetic.RunMinutes(Synthetic.Create("auto"), values);
        Assert.Equal(without, with);
    }

    [Fact]
    public void Observe_TwelveOnACountOfPointSix_IsAnAnomaly()
    {
        // A burst of 12 errors in a minute on a count of 0.6 a minute (P(X ≥ 12) ≈ 1e-12) is an incident, whatever the
        // counting law forgives.
        const int at = (2 * Day) + 600;
        Synthetic.AssertEverySeed(seed =>
        {
            var values = Synthetic.FlatCount(at + 10, 0.6, int.MaxValue, int.MaxValue, 1, seed);
            values[at] = 12;
            var verdicts = Synthetic.RunMinutes(Auto(), values);
            return verdicts[at].IsAnomaly ? null : $"seed {seed}: 12 scored {verdicts[at].Score:F2} (upper {verdicts[at].Upper:G4})";
        });
    }

    [Fact]
    public void Observe_CountOfPointSixTriplesFor45MinutesWithRiseMin_StillFlagged()
    {
        // A business count's night step (0.6 → 1.8 a minute for 45 minutes) with the rise side running below one event a
        // minute (count_shift_rise_min=0.3, item 32): the rise is flagged inside the step on every seed, the step's minutes
        // of 4 and 5 no longer being records does not hide it.
        const int from = (3 * Day) + 60;
        const int length = 45;
        Synthetic.AssertEverySeed(seed =>
        {
            var values = Synthetic.FlatCount(from + length, 0.6, from, int.MaxValue, 3, seed);
            var verdicts = Synthetic.RunMinutes(Auto((ContractOptions.CountShiftRiseMinKey, "0.3")), values);
            var onset = Array.FindIndex(verdicts, from, length, v => v.IsAnomaly);
            return onset < 0 ? $"seed {seed}: not flagged in its 45 minutes" : null;
        });
    }

    [Fact]
    public void Observe_QuietErrorRatioWithFewRequestsAtNight_PagesAtMostOnceInThreeDays()
    {
        // 0.8 % of 600 requests a minute at 14:00, of 240 at night: about 2 errors a minute at night, so a minute of 7
        // (a ratio of 2.9 %) is ordinary there, while the range of the first day is mostly the busy afternoon's.
        Synthetic.AssertEverySeed(seed =>
        {
            var values = ErrorRatio(3 * Day, 600, 0.008, -1, 1, seed);
            var verdicts = Synthetic.RunMinutes(Auto(), values);
            var onsets = Synthetic.Onsets(verdicts);
            return onsets.Count > 1 ? $"seed {seed}: {onsets.Count} episodes: {Describe(values, verdicts, onsets)}" : null;
        });
    }

    [Fact]
    public void Observe_ErrorRatioFiveTimesItsLevelForAMinute_IsAnAnomaly()
    {
        // 4 % errors for one minute at 14:00 on day 3 (about 24 of 600 requests where 5 are usual) is an incident.
        const int at = (2 * Day) + (14 * 60);
        Synthetic.AssertEverySeed(seed =>
        {
            var values = ErrorRatio(at + 10, 600, 0.008, at, 5, seed);
            var verdicts = Synthetic.RunMinutes(Auto(), values);
            return verdicts[at].IsAnomaly ? null : $"seed {seed}: {values[at]:G3} scored {verdicts[at].Score:F2} (upper {verdicts[at].Upper:G4})";
        });
    }
}
