using Vigil.Core.Detection;

namespace Vigil.Core.Tests.Detection;

/// <summary>
/// The walked counting-law quantile (CountQuantile, item 34's floor) is the reference loop's
/// (<see cref="CountShiftTest.CountUpper"/>) on every input: random means 0.01–80, dispersions 1–5 (a third exactly 1, the
/// Poisson path), tails 1e-6–1e-2, from random starting points near and far. Fixed seeds; a failure prints the seed and the
/// inputs.
/// </summary>
public sealed class CountQuantileTests
{
    private static (double Mean, double Dispersion, double Tail) Draw(Random random)
    {
        var mean = Math.Exp(Math.Log(0.01) + (random.NextDouble() * (Math.Log(80) - Math.Log(0.01))));
        var dispersion = random.Next(3) == 0 ? 1 : 1 + (4 * random.NextDouble());
        var tail = Math.Exp(Math.Log(1e-6) + (random.NextDouble() * (Math.Log(1e-2) - Math.Log(1e-6))));
        return (mean, dispersion, tail);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Walk_FromAnyStart_AnswersTheReferenceQuantileOrHandsOver(int seed)
    {
        var random = new Random(seed);
        var answered = 0;
        var nearCases = 0;
        const int Cases = 20_000;
        for (var i = 0; i < Cases; i++)
        {
            var (mean, dispersion, tail) = Draw(random);
            var expected = CountShiftTest.CountUpper(mean, dispersion, tail);
            // Near the answer (the common case: the last point's quantile) or anywhere up to twice it.
            var near = random.Next(2) == 0;
            var start = near ? Math.Max(1, expected + random.Next(-3, 4)) : 1 + random.Next((2 * expected) + 2);
            var walked = CountQuantile.Walk(mean, dispersion, tail, start);
            Assert.True(walked < 0 || walked == expected, $"seed {seed}, case {i}: mean {mean:R}, dispersion {dispersion:R}, tail {tail:R}, start {start}: walked {walked}, reference {expected}");
            answered += near && walked >= 0 ? 1 : 0;
            nearCases += near ? 1 : 0;
        }

        // The fast path must actually answer: a start within three of the answer hands over only at a near-tie.
        Assert.True(answered > nearCases * 95 / 100, $"seed {seed}: walked only {answered} of {nearCases} near starts");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Upper_AlongADriftingRate_EqualsTheReferenceAndWalksAlmostAlways(int seed)
    {
        // As on a live series: the rate and the dispersion move a little between points, the quantile is kept as the hint.
        var random = new Random(seed);
        var hint = 0;
        var walked = 0;
        const int Points = 20_000;
        var (mean, dispersion, tail) = Draw(random);
        for (var i = 0; i < Points; i++)
        {
            if (i % 2_000 == 0)
            {
                (mean, dispersion, tail) = Draw(random);
            }

            mean = Math.Clamp(mean * Math.Exp(0.02 * (random.NextDouble() - 0.5)), 0.01, 80);
            dispersion = random.Next(4) == 0 ? 1 : Math.Clamp(dispersion + (0.01 * (random.NextDouble() - 0.5)), 1, 5);
            var expected = CountShiftTest.CountUpper(mean, dispersion, tail);
            var before = hint;
            walked += before > 0 && CountQuantile.Walk(mean, dispersion, tail, before) >= 0 ? 1 : 0;
            Assert.True(CountQuantile.Upper(mean, dispersion, tail, ref hint) == expected && hint == expected, $"seed {seed}, point {i}: mean {mean:R}, dispersion {dispersion:R}, tail {tail:R}, hint {before}: {hint}, reference {expected}");
        }

        Assert.True(walked > Points * 9 / 10, $"seed {seed}: walked only {walked} of {Points}");
    }

    [Theory]
    [InlineData(0.6, 1, 1e-5, 6)]
    [InlineData(20, 1, 1e-5, 42)]
    [InlineData(10, 3, 1e-4, 0)]
    [InlineData(0.01, 4, 1e-2, 0)]
    public void Upper_OnKnownQuantiles_WalksToThem(double mean, double dispersion, double tail, int start)
    {
        var hint = start;
        var expected = CountShiftTest.CountUpper(mean, dispersion, tail);
        Assert.Equal(expected, CountQuantile.Upper(mean, dispersion, tail, ref hint));
        Assert.Equal(CountShiftTest.CountUpper(mean * 1.001, dispersion, tail), CountQuantile.Upper(mean * 1.001, dispersion, tail, ref hint));
    }
}
