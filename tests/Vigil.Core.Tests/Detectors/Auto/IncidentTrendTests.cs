using Vigil.Core.Detection;

namespace Vigil.Core.Tests.Detectors.Auto;

/// <summary>
/// How the trend is carried through an incident (<c>damp_incident_trend</c>, docs/detectors.md, <c>auto</c> item 16):
/// undamped by default, one trend per excluded point, so the expectation keeps following a curve; damped as the
/// damped-trend forecast is (at most φ/(1 − φ) = 19 trends) when set, so a trend learned from noise cannot carry the
/// expectation far from the level the series will return to.
/// </summary>
public sealed class IncidentTrendTests
{
    private const int DropStart = 1000;
    private const int DropLength = 60;

    /// <summary>A line rising by 0.05 a minute from 100 (σ 0.5), with an hour at 10 from <see cref="DropStart"/> (before a day has passed: the Holt forecast is the expectation, not the daily profile).</summary>
    private static double[] RampWithDrop(int seed)
    {
        var values = Synthetic.Noise(DropStart + DropLength + 10, 0, 0.5, seed);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] += i is >= DropStart and < DropStart + DropLength ? 10 : 100 + (0.05 * i);
        }

        return values;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_HourLongDropOnRisingLine_CarriesTheTrendAsConfigured(int seed)
    {
        var values = RampWithDrop(seed);

        // incident_trend_cap=0: the uncapped carry (the cap, 1 core σ, is auto's default since detect18 and would stop it early).
        var undamped = Synthetic.RunMinutes(Synthetic.Create("auto", ("incident_trend_cap", "0")), values);
        var damped = Synthetic.RunMinutes(Synthetic.Create("auto", ("damp_incident_trend", "1"), ("incident_trend_cap", "0")), values);

        var last = DropStart + DropLength - 1;
        Assert.All(damped[DropStart..(last + 1)], v => Assert.True(v.Score > 1, $"seed {seed}: a drop point scored {v.Score}"));
        // Undamped: one learned trend T per point, 59 T over the hour (the damped Holt trend settles below the slope of
        // 0.05, about 0.03); damped: Σ φ^j T ≤ 19 T however long the incident, here about 18 T.
        var movedUndamped = undamped[last].Expected - undamped[DropStart].Expected;
        var movedDamped = damped[last].Expected - damped[DropStart].Expected;
        Assert.True(movedUndamped > 1.2, $"seed {seed}: undamped, the expectation moved {movedUndamped} through the hour");
        Assert.InRange(movedDamped / movedUndamped, 0.2, 0.4);
    }
}
