using Vigil.Core.Detection;

namespace Vigil.Core.Tests.Detectors.Auto;

/// <summary>
/// <c>auto</c>'s daily context (<c>daily_context</c>, opt-in; docs/detectors.md item 20): it widens only the side towards
/// what this time of day looked like on earlier days, so an incident below a usual afternoon is judged as without it.
/// </summary>
public sealed class DailyContextTests
{
    private const int Day = 1440;

    [Fact]
    public void Observe_DropBelowTheUsualAfternoonOnTheSecondDay_StillAlarmsWithTheDailyContext()
    {
        // 40 at night, 100 at the 14:00 peak, noise σ 2; on day 2 the peak drops to 0.5× for 90 minutes: below the Holt
        // expectation and below the usual afternoon, so the context (towards the usual level) does not cover it.
        var values = RequestRate(days: 2, seed: 13, missingPeakDay: -1);
        var from = Day + (14 * 60);
        for (var i = from; i < from + 90; i++)
        {
            values[i] *= 0.5;
        }

        var verdicts = Run(Synthetic.Create("auto", ("daily_context", "2")), values);

        var held = Count(verdicts, from + 5, from + 90, v => v.Score > 1);
        Assert.True(held >= 80, $"{held} of 85 points of the drop above 1");
    }

    private static Verdict[] Run(IDetector detector, double[] values)
    {
        var series = detector.CreateSeries();
        var verdicts = new Verdict[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            verdicts[i] = series.Observe(Synthetic.StartMs + (i * 60_000L), values[i]);
        }

        return verdicts;
    }

    private static int Count(Verdict[] verdicts, int from, int to, Func<Verdict, bool> predicate)
    {
        var n = 0;
        for (var i = from; i < to; i++)
        {
            n += predicate(verdicts[i]) ? 1 : 0;
        }

        return n;
    }

    /// <summary>One-minute request rate from midnight UTC: 40 + 60 × a Gaussian bump at 14:00 (3.5 h wide), noise σ 2.</summary>
    private static double[] RequestRate(int days, int seed, int missingPeakDay)
    {
        var random = new Random(seed);
        var values = new double[days * Day];
        for (var i = 0; i < values.Length; i++)
        {
            var hour = (i % Day) / 60.0;
            var bump = Math.Exp(-0.5 * Math.Pow((hour - 14) / 3.5, 2));
            var missing = i / Day == missingPeakDay && hour >= 10 && hour < 18;
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            values[i] = 40 + (60 * (missing ? 0.15 : 1) * bump) + (2 * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return values;
    }
}
