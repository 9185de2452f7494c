using Vigil.Core.Detection;
using Vigil.Core.Tests.Detectors;

namespace Vigil.Core.Tests.Detection;

/// <summary>
/// The slow shift test of the detection contract (issue 10; <c>slow_shift_threshold</c>, on in <c>auto</c> since session 12
/// but kept to heavy-tailed positive series there; these tests pin detect8's configuration on every point): a CUSUM with a
/// small slack against a slow reference, for shifts of about 1σ per point that the fast forecast follows before the
/// fast shift test can flag them. Every series is seeded; failures print the seed.
/// </summary>
public sealed class SlowShiftTestTests
{
    private const int DropFrom = 2000;
    private const int DropTo = 2180;

    // detect8's configuration, which these tests document: the slow test on every point (positive_slow_shift=0) at the
    // contract's slack of 0.5σ. auto's default since session 12 keeps it to heavy-tailed positive series at κ_s = 1
    // (Observe_DefaultAuto_IsTheSlowTestKeptToHeavyTailedSeries below; PositiveSlowShiftTests).
    private static IDetector CreateSut(string threshold = "12")
        => Synthetic.Create("auto", (ContractOptions.SlowShiftThresholdKey, threshold), (ContractOptions.SlowShiftSlackKey, "0.5"), ("positive_slow_shift", "0"));

    /// <summary>A Poisson count of 20 a minute; from <paramref name="from"/> to <paramref name="to"/> 30 % lower (14).</summary>
    private static double[] Counts(int n, int from, int to, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = Synthetic.Poisson(random, i >= from && i < to ? 14 : 20);
        }

        return values;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Observe_PoissonCountDropsThirtyPercent_ShiftFlaggedWithinFortyFiveMinutes(int seed)
    {
        var verdicts = Synthetic.RunMinutes(CreateSut(), Counts(DropTo + 300, DropFrom, DropTo, seed));

        // "Sign-ups dropped 30 % overnight": about 1.3σ a point, no single point extreme.
        var first = Array.FindIndex(verdicts, DropFrom, DropTo - DropFrom, v => v.Test == AnomalyTest.Shift);
        Assert.True(first >= DropFrom && first < DropFrom + 45, $"seed {seed}: first shift verdict of the drop at {first - DropFrom} min");
        // When it fires, what the forecast had learned of the drop is given back: the expectation is the old level.
        Assert.True(verdicts[first + 1].Expected is > 17 and < 23, $"seed {seed}: expected {verdicts[first + 1].Expected} after the alarm");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Observe_PoissonCountDropsThirtyPercentWithoutTheSlowTest_IsNotFlaggedAsAShift(int seed)
    {
        // What the test is for: with it off, the fast forecast follows the drop before the fast shift test can flag it.
        // (Since detect16 auto's count test judges this drop by default, before the day is known, against the level of
        // the same hour yesterday: count_shift_hours=0 keeps this test about the slow test alone.)
        var verdicts = Synthetic.RunMinutes(
            Synthetic.Create("auto", (ContractOptions.SlowShiftThresholdKey, "0"), (ContractOptions.CountShiftHoursKey, "0")),
            Counts(DropTo + 300, DropFrom, DropTo, seed));

        var first = Array.FindIndex(verdicts, DropFrom, 45, v => v.Test == AnomalyTest.Shift);
        Assert.True(first < 0, $"seed {seed}: a shift verdict at {first - DropFrom} min without the slow test");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Observe_PoissonCountDropsThirtyPercent_HeldForTheDropAsOneEpisode(int seed)
    {
        var verdicts = Synthetic.RunMinutes(CreateSut(), Counts(DropTo + 300, DropFrom, DropTo, seed));

        var first = Array.FindIndex(verdicts, DropFrom, DropTo - DropFrom, v => v.Test == AnomalyTest.Shift);
        // Held: the expectation stays at the old level and half the drop's points or more score above 1 (a count of 14
        // lands above the saturated edge, 0.5σ ≈ 2 below 20, about a quarter of the time, and each such point widens
        // the edge for the next few).
        var held = verdicts.Skip(first).Take(DropTo - first).Count(v => v.IsAnomaly);
        Assert.True(held >= 0.5 * (DropTo - first), $"seed {seed}: {held} of {DropTo - first} drop points from the alarm above 1");
        Assert.True(verdicts[DropTo - 1].Expected is > 17 and < 23, $"seed {seed}: expected {verdicts[DropTo - 1].Expected} at the drop's end");
        // One episode from the alarm to the end of the drop: none re-opens after the first shift verdict (the episode
        // may have opened on an earlier stray point of the drop, seed 2: the count test's alarm now holds through it).
        var onsets = Synthetic.Onsets(verdicts).Where(i => i >= DropFrom && i < DropTo).ToList();
        Assert.True(onsets.Count is 1 or 2 && !onsets.Any(i => i > first), $"seed {seed}: onsets at {string.Join(", ", onsets)} (drop {DropFrom}–{DropTo}, first shift verdict {first})");
    }

    [Fact]
    public void Observe_ReturnToNormalAfterDrop_IsQuietOnMostSeeds()
    {
        // The return to 20 is judged against the old level the alarm kept, so it is inside the band. Measured: seed 2
        // opens an episode 22 minutes after the return (the alarm's evidence decays over about 25 points and a low
        // count then crosses the narrowing edge); the other seeds are quiet. At most one in five may do that.
        // Measured with the symmetric lower side (positive_low=0, the default before session 11): with the log-space side the
        // opt-in slow test pages on the return of this count on seeds 2 and 3 (the default, without the slow test, is quiet).
        // Pinned count_run_start=0 (the default since session 12): with it this drop's adapt_after (3 h) counts from where
        // the count test's evidence began, minutes after 2000, so by its end at 2180 the drop is the new normal and the
        // return is a change of its own that pages on every seed, by design (docs/detectors.md item 36).
        var noisy = new List<string>();
        for (var seed = 1; seed <= 5; seed++)
        {
            var verdicts = Synthetic.RunMinutes(Synthetic.Create("auto", (ContractOptions.SlowShiftThresholdKey, "12"), (ContractOptions.SlowShiftSlackKey, "0.5"), ("positive_slow_shift", "0"), ("positive_low", "0"), (ContractOptions.CountRunStartKey, "0")), Counts(DropTo + 300, DropFrom, DropTo, seed));
            var afterwards = Synthetic.Onsets(verdicts).Where(i => i >= DropTo).ToList();
            if (afterwards.Count > 0)
            {
                noisy.Add($"seed {seed}: onsets at {string.Join(", ", afterwards)}");
            }
        }

        Assert.True(noisy.Count <= 1, string.Join("; ", noisy));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_CleanPoissonCountForThreeDays_RaisesNoOnset(int seed)
    {
        var values = Counts(3 * 1440, int.MaxValue, int.MaxValue, seed);
        var verdicts = Synthetic.RunMinutes(CreateSut(), values);
        var without = Synthetic.RunMinutes(CreateSut("0"), values);

        // The slow test adds no onset to what the series raises without it.
        var onsets = Synthetic.Onsets(verdicts).Except(Synthetic.Onsets(without)).ToList();
        Assert.True(onsets.Count == 0, $"seed {seed}: onsets only with the slow test at {string.Join(", ", onsets)}");
    }

    [Fact]
    public void Observe_DefaultAuto_IsTheSlowTestKeptToHeavyTailedSeries()
    {
        // Since session 12 auto's slow test is on (h_s 12, κ_s 1) and kept to the points where the log-space lower side
        // acts (positive_slow_shift): the default verdicts are those with exactly these keys, bit for bit, on a count drop
        // and on a heavy-tailed latency drop; on the latency the test acts (the verdicts differ from those without it).
        var counts = Counts(DropTo + 300, DropFrom, DropTo, seed: 7);
        var latency = Synthetic.LatencySeries((3 * 1440) + 120, 0.1, 3 * 1440, (3 * 1440) + 60, 0.5, seed: 1);
        foreach (var values in new[] { counts, latency })
        {
            var byDefault = Synthetic.RunMinutes(Synthetic.Create("auto"), values);
            var pinned = Synthetic.RunMinutes(
                Synthetic.Create("auto", (ContractOptions.SlowShiftThresholdKey, "12"), (ContractOptions.SlowShiftSlackKey, "1"), ("positive_slow_shift", "1")),
                values);
            Assert.Equal(pinned, byDefault);
        }

        var without = Synthetic.RunMinutes(Synthetic.Create("auto", (ContractOptions.SlowShiftThresholdKey, "0")), latency);
        Assert.NotEqual(without, Synthetic.RunMinutes(Synthetic.Create("auto"), latency));
    }

    [Fact]
    public void WriteState_MidDrop_RestoredSeriesScoresIdentically()
    {
        var detector = CreateSut();
        var values = Counts(DropTo + 300, DropFrom, DropTo, seed: 11);
        var a = (ISerializableSeriesDetector)detector.CreateSeries();
        Synthetic.RunMinutes(a, values[..(DropFrom + 40)], 0);
        var b = Synthetic.Restore(detector, a);

        var rest = values[(DropFrom + 40)..];
        Assert.Equal(Synthetic.RunMinutes(a, rest, DropFrom + 40), Synthetic.RunMinutes(b, rest, DropFrom + 40));
    }

    [Fact]
    public void Validate_SlowShiftParameters_AreRangeChecked()
    {
        var errors = DetectorRegistry.CreateDefault().Validate(new DetectorSpec("auto", new Dictionary<string, string> { [ContractOptions.SlowShiftSlackKey] = "0" }));

        Assert.Contains(errors, e => e.Contains(ContractOptions.SlowShiftSlackKey, StringComparison.Ordinal));
    }
}
