using Vigil.Core.Detection;
using Vigil.Core.Tests.Detectors;

namespace Vigil.Core.Tests.Detection;

/// <summary>
/// The slow shift test against the daily shape (<c>slow_shift_reference=3</c>, docs/detectors.md, "The slow shift test"):
/// a drop judged against "what this time of day usually is" rather than against a forecast that has followed the last
/// hour. Series at one-minute steps with a daily curve; every series is seeded and failures print the seed.
/// </summary>
public sealed class SlowShiftProfileTests
{
    // Day 4, 01:00–03:00 UTC: "sign-ups dropped 30 % overnight", after three days to learn the day.
    private const int DropFrom = (3 * 1440) + 60;
    private const int DropTo = DropFrom + 120;
    private const int Length = DropTo + 360;

    // detect10's configuration, which these tests document: the slow test on every point (positive_slow_shift=0) at the
    // contract's slack of 0.5σ, against the daily shape (auto's default since session 12 is κ_s = 1, kept to heavy-tailed
    // positive series, detect8's reference).
    private static IDetector CreateSut(string threshold = "12")
        => Synthetic.Create(
            "auto",
            (ContractOptions.SlowShiftThresholdKey, threshold),
            (ContractOptions.SlowShiftReferenceKey, "3"),
            (ContractOptions.SlowShiftSlackKey, "0.5"),
            ("positive_slow_shift", "0"));

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

    [Fact]
    public void Observe_DailyPoissonCountDropsThirtyPercentOvernight_FlaggedWithinFortyFiveMinutesAndHeld()
    {
        // Measured on seeds 1–10: flagged 14–34 minutes in on nine; seed 2 is not (its profile explains the day only
        // marginally, 0.8 of a flat level's error, so neither the shape nor the slow level is the reference there).
        var failures = new List<string>();
        for (var seed = 1; seed <= 5; seed++)
        {
            var verdicts = Synthetic.RunMinutes(CreateSut(), DailyCounts(Length, DropFrom, DropTo, 0.7, seed));
            var first = Array.FindIndex(verdicts, DropFrom, DropTo - DropFrom, v => v.IsAnomaly);
            if (first < DropFrom || first >= DropFrom + 45)
            {
                failures.Add($"seed {seed}: first anomaly of the drop at {first - DropFrom} min");
                continue;
            }

            // Held: at least half the drop's points from the alarm on score above 1 (a Poisson count 30 % down lands
            // inside the saturated edge, 0.5σ under the usual curve, about a quarter of the time), and the expectation
            // at the drop's end is still the usual curve (12.9 there; the drop is at 9), not the drop.
            var held = verdicts.Skip(first).Take(DropTo - first).Count(v => v.IsAnomaly);
            if (held < 0.5 * (DropTo - first) || verdicts[DropTo - 1].Expected < 11.5)
            {
                failures.Add($"seed {seed}: {held} of {DropTo - first} points held, expected {verdicts[DropTo - 1].Expected:F2} at the end");
            }
        }

        Assert.True(failures.Count <= 1, string.Join("; ", failures));
    }

    [Fact]
    public void Observe_DailyPoissonCountDropsThirtyPercentWithoutTheSlowOrCountTest_IsNotHeld()
    {
        // What the test is for: without it (and without the count shift test, auto item 15, which is on by default and
        // holds part of such a drop) the fast forecast follows the drop and almost none of it scores above 1.
        var verdicts = Synthetic.RunMinutes(
            Synthetic.Create("auto", (ContractOptions.CountShiftThresholdKey, "0"), (ContractOptions.SlowShiftThresholdKey, "0")),
            DailyCounts(Length, DropFrom, DropTo, 0.7, seed: 1));

        var held = verdicts.Skip(DropFrom + 5).Take(DropTo - DropFrom - 5).Count(v => v.IsAnomaly);
        Assert.True(held < 0.2 * (DropTo - DropFrom - 5), $"{held} points held without the slow and the count shift test");
    }

    [Fact]
    public void Observe_DailyLatencyDropsToThirtyPercent_IsHeldOnMostSeeds()
    {
        // Measured: seeds 2 and 3 hold 85 % or more of the drop's points after the first five; seed 1 holds 52 of 115
        // (its symmetric heavy tail, sized by the routine slow requests, widens the lower band: auto item 12).
        var short_ = new List<string>();
        for (var seed = 1; seed <= 3; seed++)
        {
            var verdicts = Synthetic.RunMinutes(CreateSut(), DailyLatency(Length, DropFrom, DropTo, 0.3, seed));
            var held = verdicts.Skip(DropFrom + 5).Take(DropTo - DropFrom - 5).Count(v => v.IsAnomaly);
            if (held < 0.85 * (DropTo - DropFrom - 5))
            {
                short_.Add($"seed {seed}: {held} of {DropTo - DropFrom - 5}");
            }
        }

        Assert.True(short_.Count <= 1, string.Join("; ", short_));
    }

    [Fact]
    public void Observe_CleanDailyPoissonCountForFourDays_AddsFewOnsets()
    {
        // A known cost, pinned so it cannot grow unnoticed: on seeds 1–5 the slow test adds 11 onsets in 20 clean
        // series-days (0, 2, 2, 7, 0), most on days 2–3 while the profile's buckets hold one or two days of a count's
        // noise (σ/√12 a bucket), which a test summing hours of residuals reads as a shift. On session 11's defaults
        // (the counting law's floor and the log-space lower side) it adds 14 (seeds 2–5): the floor stands down while a
        // test holds half its evidence, so the slow test's evidence lets the ordinary counts page again.
        var added = new List<string>();
        for (var seed = 1; seed <= 5; seed++)
        {
            var values = DailyCounts(4 * 1440, int.MaxValue, int.MaxValue, 1, seed);
            var onsets = Synthetic.Onsets(Synthetic.RunMinutes(CreateSut(), values))
                .Except(Synthetic.Onsets(Synthetic.RunMinutes(CreateSut("0"), values)))
                .ToList();
            added.AddRange(onsets.Select(i => $"seed {seed} at {i}"));
        }

        Assert.True(added.Count <= 14, $"{added.Count} onsets only with the slow test: {string.Join(", ", added)}");
    }

    [Fact]
    public void Observe_ReturnToNormalAfterOvernightDrop_IsQuiet()
    {
        var noisy = new List<string>();
        for (var seed = 1; seed <= 5; seed++)
        {
            var verdicts = Synthetic.RunMinutes(CreateSut(), DailyCounts(Length, DropFrom, DropTo, 0.7, seed));

            // The baseline did not learn the drop, so the return to the usual curve is inside the band.
            var afterwards = Synthetic.Onsets(verdicts).Where(i => i >= DropTo).ToList();
            var scoredAbove = verdicts.Skip(DropTo).Take(60).Count(v => v.IsAnomaly);
            // Up to five of the first 60: the count test's alarm holds until its evidence falls below half the threshold,
            // so the return's first low counts may still score above 1 inside the drop's episode (seed 5: four).
            if (afterwards.Count > 0 || scoredAbove > 5)
            {
                noisy.Add($"seed {seed}: onsets after the drop at {string.Join(", ", afterwards)}, {scoredAbove} of the first 60 points above 1");
            }
        }

        Assert.True(noisy.Count == 0, string.Join("; ", noisy));
    }

    [Fact]
    public void Observe_DefaultAuto_KeepsTheDetect8Reference()
    {
        // The shape reference is opt-in: the slow test on every point (positive_slow_shift=0) keeps the detect8 reference,
        // bit for bit.
        var values = DailyCounts(Length, DropFrom, DropTo, 0.7, seed: 3);
        var byDefault = Synthetic.RunMinutes(Synthetic.Create("auto", (ContractOptions.SlowShiftThresholdKey, "12"), ("positive_slow_shift", "0")), values);
        var detect8 = Synthetic.RunMinutes(
            Synthetic.Create("auto", (ContractOptions.SlowShiftThresholdKey, "12"), ("positive_slow_shift", "0"), (ContractOptions.SlowShiftReferenceKey, "0")),
            values);

        Assert.Equal(detect8, byDefault);
    }

    [Fact]
    public void WriteState_MidDrop_RestoredSeriesScoresIdentically()
    {
        var detector = CreateSut();
        var values = DailyCounts(Length, DropFrom, DropTo, 0.7, seed: 4);
        var a = (ISerializableSeriesDetector)detector.CreateSeries();
        Synthetic.RunMinutes(a, values[..(DropFrom + 20)], 0);
        var b = Synthetic.Restore(detector, a);

        var rest = values[(DropFrom + 20)..];
        Assert.Equal(Synthetic.RunMinutes(a, rest, DropFrom + 20), Synthetic.RunMinutes(b, rest, DropFrom + 20));
    }
}
