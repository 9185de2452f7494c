using Vigil.Core.Detection;
using Vigil.Core.Detectors.Auto;

namespace Vigil.Core.Tests.Detectors.Auto;

/// <summary>
/// Drops on positive, heavy-tailed continuous series (a latency), detect14's opt-in mechanisms: the lower side sized in
/// log space (<c>positive_low</c>), each side's novelty tolerance from its own reach (<c>novelty_side_range</c>), and
/// an alarm's onset taking back what the level learned while the evidence built up (<c>shift_unlearn</c>).
/// </summary>
public sealed class LatencyDropTests
{
    private const int Day = 1440;
    private const long StepMs = 60_000;
    private const int DropPoints = 120;
    private const int ReturnPoints = 60;

    /// <summary>
    /// Three days of a 0.1 s latency (log-normal noise σ 0.2, 1 % of slow requests at 2–5×, fixed seed), a drop to
    /// <paramref name="factor"/> of the level for two hours, then an hour back at the level.
    /// </summary>
    private static double[] LatencyWithDrop(int seed, double factor)
        => Synthetic.LatencySeries((3 * Day) + DropPoints + ReturnPoints, 0.1, 3 * Day, (3 * Day) + DropPoints, factor, seed);

    private sealed record DropRun(int Held, int ReturnAlarms, int CleanOnsets, double LowerBeforeDrop);

    private static DropRun Run(double[] values, Dictionary<string, string> parameters)
    {
        var series = new AutoDetectorFactory().Create(parameters).CreateSeries();
        var episodes = new EpisodeTracker(EpisodeTracker.DefaultQuietPoints);
        int held = 0, returns = 0, onsets = 0;
        var lower = double.NaN;
        const int dropStart = 3 * Day;
        for (var i = 0; i < values.Length; i++)
        {
            var verdict = series.Observe(i * StepMs, values[i]);
            var transition = episodes.Observe(i * StepMs, values[i], verdict);
            if (i >= Day && i < dropStart && transition == EpisodeTransition.Onset)
            {
                onsets++;
            }

            if (i == dropStart - 1)
            {
                lower = verdict.Lower;
            }

            held += i >= dropStart && i < dropStart + DropPoints && verdict.Score > 1 ? 1 : 0;
            returns += i >= dropStart + DropPoints && verdict.Score > 1 ? 1 : 0;
        }

        return new DropRun(held, returns, onsets, lower);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_LatencyDropToThirtyPercentWithPositiveLow_ScoresAboveOneForTheTwoHours(int seed)
    {
        var values = LatencyWithDrop(seed, 0.3);

        var symmetric = Run(values, new() { ["positive_low"] = "0" });
        // Item 17 alone, as it was measured; the default since session 11 adds the rest of the family (items 22, 31, 35).
        var positive = Run(values, new() { ["positive_low"] = "1", ["positive_low_shift"] = "0", ["positive_low_dips"] = "0", ["positive_low_return"] = "0" });
        var byDefault = Run(values, []);

        // The slow requests size the symmetric band below the level too (its lower edge lies near zero), and the level
        // follows part of the drop before the shift test fires (held on 78–111 of 120 points on these seeds). Sized by
        // the series' own lower spread in log space, the band below holds the drop on at least 90 % of its points; the
        // return scored > 1 on at most 4 points (seed 3).
        Assert.True(positive.Held >= 0.9 * DropPoints, $"seed {seed}: positive_low held {positive.Held} of {DropPoints} ({symmetric.Held} with the symmetric side)");
        // The default (the whole family) holds it on at least the suite's 85 % of its points.
        Assert.True(byDefault.Held >= 0.85 * DropPoints, $"seed {seed}: the default held {byDefault.Held} of {DropPoints}");
        Assert.True(positive.Held >= symmetric.Held, $"seed {seed}: positive_low held {positive.Held}, default {symmetric.Held}");
        Assert.True(positive.ReturnAlarms <= 4, $"seed {seed}: {positive.ReturnAlarms} points of the return scored > 1");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_LatencyDropWithPositiveLowShift_HeldWithoutCleanOnsets(int seed)
    {
        var values = LatencyWithDrop(seed, 0.3);

        // Item 22 as it was measured, without the slow shift test (on by default since session 12: with it, seed 3's
        // return scores > 1 on 3 points; PositiveSlowShiftTests holds the default to one on the return of an hour at 0.5×).
        var symmetric = Run(values, new() { ["slow_shift_threshold"] = "0" });
        var positive = Run(values, new() { ["positive_low"] = "1", ["slow_shift_threshold"] = "0" });
        var shift = Run(values, new() { ["positive_low"] = "1", ["positive_low_shift"] = "1", ["slow_shift_threshold"] = "0" });

        // Item 17's lower σ is sized for the k σ edge; at one σ it is two thirds of the lower side's ordinary spread, and
        // the shift test summed ordinary points below the level. Judged at one log σ, the drop is still held on at least
        // 85 % of its points (105, 115, 115 of 120 on these seeds, against 113, 115, 119 with positive_low alone and 78,
        // 111, 107 by default), the return scores > 1 on no point (4 on seed 3 with positive_low alone), and the clean
        // days raise no more onsets than the default.
        Assert.True(shift.Held >= 0.85 * DropPoints, $"seed {seed}: held {shift.Held} of {DropPoints} ({positive.Held} with positive_low alone)");
        Assert.True(shift.Held >= symmetric.Held, $"seed {seed}: held {shift.Held}, default {symmetric.Held}");
        Assert.Equal(0, shift.ReturnAlarms);
        Assert.True(shift.CleanOnsets <= symmetric.CleanOnsets, $"seed {seed}: {shift.CleanOnsets} clean onsets, {symmetric.CleanOnsets} by default");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_LatencyWithNoveltySideRange_LowerEdgeLiesAboveZero(int seed)
    {
        var values = LatencyWithDrop(seed, 0.3);

        var symmetric = Run(values, []);
        var sided = Run(values, new() { ["novelty_side_range"] = "1" });

        // The range of a latency is mostly its slow requests: a tenth of it below the lowest value lies near zero (0.002,
        // 0.001 and −0.009 just before the drop on these seeds); a tenth of twice the lower reach lies above the drop's
        // level (0.03), so every point of the drop that the novelty edge sees crosses it. (Its limit: on seed 3 the
        // return then scored > 1 on 27 of 60 points, docs/benchmarks.md, detect14.)
        Assert.True(symmetric.LowerBeforeDrop < 0.3 * 0.1, $"seed {seed}: default lower edge {symmetric.LowerBeforeDrop}");
        Assert.True(sided.LowerBeforeDrop > 0.3 * 0.1, $"seed {seed}: novelty_side_range lower edge {sided.LowerBeforeDrop}");
        Assert.True(sided.Held >= symmetric.Held, $"seed {seed}: novelty_side_range held {sided.Held}, default {symmetric.Held}");
    }

    /// <summary>
    /// A level of 100 ± 1 (Gaussian, fixed seed) that drops by 3σ for two hours: the level follows the first points
    /// while the shift evidence builds.
    /// </summary>
    private static double[] GaussianWithDrop(int seed, out int dropStart)
    {
        var random = new Random(seed);
        dropStart = Day;
        var values = new double[Day + DropPoints + ReturnPoints];
        for (var i = 0; i < values.Length; i++)
        {
            var u1 = 1 - random.NextDouble();
            var z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * random.NextDouble());
            values[i] = 100 + z - (i >= dropStart && i < dropStart + DropPoints ? 3 : 0);
        }

        return values;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_ShiftUnlearn_DropIsJudgedAgainstTheLevelBeforeIt(int seed)
    {
        var values = GaussianWithDrop(seed, out var dropStart);

        var (heldOff, expectedOff) = RunDrop(values, dropStart, []);
        var (heldOn, expectedOn) = RunDrop(values, dropStart, new() { ["shift_unlearn"] = "1", ["shift_unlearn_min"] = "0" });
        var (heldAtKappa, _) = RunDrop(values, dropStart, new() { ["shift_unlearn"] = "1" });

        // Without it the level follows the drop while the evidence builds, and the drop is held on 37, 4 and 1 of 120
        // points on these seeds (the expectation halfway through: 99.1, 97.0, 96.6). Taking the build-up back at the
        // onset, the expectation halfway through is where the level stood before (within 1σ) and the drop is held on
        // more than half its points (102, 110, 62). With the default least move of κ·σ (shift_unlearn_min 1) only the
        // build-ups past 1σ are taken back: seed 2's (101 of 120), not seeds 1 and 3's.
        Assert.True(Math.Abs(expectedOn - 100) < 1, $"seed {seed}: expected {expectedOn} with shift_unlearn ({expectedOff} without)");
        Assert.True(heldOn > DropPoints / 2, $"seed {seed}: held {heldOn} with shift_unlearn, {heldOff} without");
        Assert.True(heldAtKappa >= heldOff, $"seed {seed}: held {heldAtKappa} with shift_unlearn_min 1, {heldOff} without");
    }

    private static (int Held, double Midway) RunDrop(double[] values, int dropStart, Dictionary<string, string> parameters)
    {
        var series = new AutoDetectorFactory().Create(parameters).CreateSeries();
        var held = 0;
        var midway = double.NaN;
        for (var i = 0; i < values.Length; i++)
        {
            var verdict = series.Observe(i * StepMs, values[i]);
            held += i >= dropStart && i < dropStart + DropPoints && verdict.Score > 1 ? 1 : 0;
            midway = i == dropStart + (DropPoints / 2) ? verdict.Expected : midway;
        }

        return (held, midway);
    }

    [Theory]
    [InlineData("positive_low")]
    [InlineData("novelty_side_range")]
    [InlineData("shift_unlearn")]
    [InlineData("robust_level")]
    [InlineData("incident_trend_cap")]
    [InlineData("rebaseline_scale_points")]
    public void WriteState_Detect14Options_RoundTripsBitForBit(string parameter)
    {
        var detector = new AutoDetectorFactory().Create(new Dictionary<string, string> { [parameter] = "1" });
        var values = LatencyWithDrop(7, 0.3);
        var a = (ISerializableSeriesDetector)detector.CreateSeries();
        for (var i = 0; i < 2 * Day; i++)
        {
            a.Observe(i * StepMs, values[i]);
        }

        var b = Synthetic.Restore(detector, a);

        for (var i = 2 * Day; i < values.Length; i++)
        {
            var va = a.Observe(i * StepMs, values[i]);
            var vb = b.Observe(i * StepMs, values[i]);
            Assert.Equal(va.Score, vb.Score);
            Assert.Equal(va.Lower, vb.Lower);
            Assert.Equal(va.Upper, vb.Upper);
        }
    }
}
