using Vigil.Core.Detection;
using Vigil.Core.Tests.Detectors;

namespace Vigil.Core.Tests.Detection;

/// <summary>
/// The slow shift test against the daily shape (<c>slow_shift_reference=1</c>, docs/detectors.md, "The slow shift test"):
/// a drop judged against "what this time of day usually is" rather than against a forecast that has followed the last
/// hour. Series at one-minute steps with a daily curve; every series is seeded and failures print the seed.
/// </summary>
public sealed class SlowShiftProfileTests
{
    // Day 4, 01:00–03:00 UTC: "sign-ups dropped 30 % overnight", after three days to learn the day.
    private const int DropFrom = (3 * 1440) + 60;
    private const int DropTo = DropFrom + 120;
    private const int Length = DropTo + 360;

    private static IDetector CreateSut(string threshold = "12")
        => Synthetic.Create(
            "auto",
            (ContractOptions.SlowShiftThresholdKey, threshold),
            (ContractOptions.SlowShiftReferenceKey, "1"));

    /// <summary>A Poisson count around 20 a minute with a daily curve (10 at 06:00, 30 at 18:00), × <paramref name="factor"/> in the drop.</summary>
    private static double[] DailyCounts(int n, int from, int to, double factor, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            var rate = 20 * (1 - (0.5 * Math.Sin(2 * Math.PI * i / 1440.0)));
            values[i] = Synthetic.Poisson(random, i >= from && i < to ? factor * rate : rate);
        }

        return values;
    }

    /// <summary>A latency around 0.1 s with a daily bump of ±20 % and routine slow requests, × <paramref name="factor"/> in the drop.</summary>
    private static double[] DailyLatency(int n, int from, int to, double factor, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            var level = 0.1 * (1 + (0.2 * Math.Sin(2 * Math.PI * i / 1440.0)));
            values[i] = Synthetic.Latency(random, i >= from && i < to ? factor * level : level);
        }

        return values;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Observe_DailyPoissonCountDropsThirtyPercentOvernight_FlaggedWithinFortyFiveMinutesAndHeld(int seed)
    {
        var verdicts = Synthetic.RunMinutes(CreateSut(), DailyCounts(Length, DropFrom, DropTo, 0.7, seed));

        var first = Array.FindIndex(verdicts, DropFrom, DropTo - DropFrom, v => v.IsAnomaly);
        Assert.True(first >= DropFrom && first < DropFrom + 45, $"seed {seed}: first anomaly of the drop at {first - DropFrom} min");
        // Held for the drop's duration: one episode from the first alarm to the drop's end, most points above 1.
        var held = verdicts.Skip(first).Take(DropTo - first).Count(v => v.IsAnomaly);
        Assert.True(held >= 0.6 * (DropTo - first), $"seed {seed}: {held} of {DropTo - first} drop points from the alarm above 1");
        var onsets = Synthetic.Onsets(verdicts).Where(i => i >= first && i < DropTo).ToList();
        Assert.True(onsets.Count == 1, $"seed {seed}: onsets at {string.Join(", ", onsets)} (drop {DropFrom}–{DropTo})");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_DailyLatencyDropsToThirtyPercent_IsHeld(int seed)
    {
        var verdicts = Synthetic.RunMinutes(CreateSut(), DailyLatency(Length, DropFrom, DropTo, 0.3, seed));

        var held = verdicts.Skip(DropFrom + 5).Take(DropTo - DropFrom - 5).Count(v => v.IsAnomaly);
        Assert.True(held >= 0.85 * (DropTo - DropFrom - 5), $"seed {seed}: {held} of {DropTo - DropFrom - 5} drop points after the first five above 1");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_CleanDailyPoissonCountForFourDays_RaisesNoOnsetOfItsOwn(int seed)
    {
        var values = DailyCounts(4 * 1440, int.MaxValue, int.MaxValue, 1, seed);
        var verdicts = Synthetic.RunMinutes(CreateSut(), values);
        var without = Synthetic.RunMinutes(CreateSut("0"), values);

        var onsets = Synthetic.Onsets(verdicts).Except(Synthetic.Onsets(without)).ToList();
        Assert.True(onsets.Count == 0, $"seed {seed}: onsets only with the slow test at {string.Join(", ", onsets)}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Observe_ReturnToNormalAfterOvernightDrop_IsQuiet(int seed)
    {
        var verdicts = Synthetic.RunMinutes(CreateSut(), DailyCounts(Length, DropFrom, DropTo, 0.7, seed));

        // The baseline did not learn the drop, so the return to the usual curve is inside the band.
        var afterwards = Synthetic.Onsets(verdicts).Where(i => i >= DropTo).ToList();
        Assert.True(afterwards.Count == 0, $"seed {seed}: onsets after the drop at {string.Join(", ", afterwards)}");
        var scoredAbove = verdicts.Skip(DropTo).Take(60).Count(v => v.IsAnomaly);
        Assert.True(scoredAbove <= 3, $"seed {seed}: {scoredAbove} of the first 60 points after the drop above 1");
    }
}
