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
        var values = Synthetic.DailyRequestRate(days: 2, seed: 13, missingPeakDay: -1);
        var from = Day + (14 * 60);
        for (var i = from; i < from + 90; i++)
        {
            values[i] *= 0.5;
        }

        var verdicts = Synthetic.RunMinutes(Synthetic.Create("auto", ("daily_context", "2")), values);

        var held = Synthetic.Count(verdicts, from + 5, from + 90, v => v.Score > 1);
        Assert.True(held >= 80, $"{held} of 85 points of the drop above 1");
    }
}
