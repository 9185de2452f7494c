using Vigil.Core.Detection;
using Vigil.Core.Detectors.Auto;

namespace Vigil.Core.Tests.Detectors.Auto;

/// <summary>
/// Drops and level shifts of a heavy-tailed latency (detect19): the slow shift test kept to the positive series whose
/// slow requests size the band down to zero (<c>positive_slow_shift</c>), on top of the log-space lower side
/// (<c>positive_low</c>, <c>positive_low_shift</c>).
/// </summary>
public sealed class PositiveSlowShiftTests
{
    private const int Day = 1440;
    private const long StepMs = 60_000;

    // Without the slow test (auto's default since session 12 has it on: WithSlowShift's three keys).
    private static readonly Dictionary<string, string> LowSide = new()
    {
        ["positive_low"] = "1",
        ["positive_low_shift"] = "1",
        ["slow_shift_threshold"] = "0",
    };

    private static readonly Dictionary<string, string> WithSlowShift = new(LowSide)
    {
        ["slow_shift_threshold"] = "12",
        ["slow_shift_slack"] = "1",
        ["positive_slow_shift"] = "1",
    };

    private static Verdict[] Run(double[] values, Dictionary<string, string> parameters) => Synthetic.RunAutoFromEpoch(values, parameters);

    private static int Above(Verdict[] verdicts, int from, int to)
    {
        var n = 0;
        for (var i = from; i < to; i++)
        {
            n += verdicts[i].Score > 1 ? 1 : 0;
        }

        return n;
    }

    private static int FirstAbove(Verdict[] verdicts, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            if (verdicts[i].Score > 1)
            {
                return i - from;
            }
        }

        return -1;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_LatencyHalvesForAnHour_KeepsScoringAboveOneForTheHour(int seed)
    {
        // Three days of a 0.1 s latency (log-normal σ 0.2, 1 % of slow requests at 2–5×), then its level halves for an
        // hour, then an hour back at the level.
        const int from = 3 * Day;
        var values = Synthetic.LatencySeries(from + 120, 0.1, from, from + 60, 0.5, seed);

        var low = Run(values, LowSide);
        var slow = Run(values, WithSlowShift);

        // A drop to 0.5× lies inside the log-space point edge (0.37 × the level at k = 5), so only a shift test can hold
        // it, and the fast level follows it before the CUSUM on its residuals fires. The slow test's reference does not
        // follow the last hour: the drop is held on at least 40 of its 55 points after the first five (43, 52, 50 on these
        // seeds, against 10, 49, 13 without the slow test), and its return pages on at most one point.
        var held = Above(slow, from + 5, from + 60);
        Assert.True(held >= 40, $"seed {seed}: held {held} of 55 ({Above(low, from + 5, from + 60)} without the slow test)");
        Assert.True(held >= Above(low, from + 5, from + 60), $"seed {seed}: held {held}, without {Above(low, from + 5, from + 60)}");
        Assert.True(Above(slow, from + 60, from + 120) <= 1, $"seed {seed}: {Above(slow, from + 60, from + 120)} points of the return scored > 1");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_LatencyLevelFallsToTwoThirdsForGood_AlertsWithinHalfAnHourAndGoesQuiet(int seed)
    {
        // A latency whose level moves to 0.63× for good (a cache put in front of a service), as the scenario suite's.
        const int from = 3 * Day;
        var values = Synthetic.LatencySeries(from + (6 * 60), 0.1, from, from + (6 * 60), 0.63, seed);

        var low = Run(values, LowSide);
        var slow = Run(values, WithSlowShift);

        // −0.46 in log space is two σ of the body, inside the log-space point edge; the fast level follows it within
        // minutes, and without the slow test seeds 1 and 3 score above 1 nowhere in the first hour (seed 2 at 9 minutes).
        // With it, an alert within half an hour (9, 9 and 11 minutes on these seeds), and after adapt_after (3 h) the new
        // level is normal: its last two hours page on no more than a point or two (1, 1, 0).
        var onset = FirstAbove(slow, from, from + 30);
        Assert.True(onset >= 0, $"seed {seed}: no score > 1 in the first half hour ({FirstAbove(low, from, from + 60)} without the slow test)");
        var late = Above(slow, from + (4 * 60), from + (6 * 60));
        Assert.True(late <= 2, $"seed {seed}: {late} points of the last two hours scored > 1");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Observe_SeriesWithoutHeavyTail_SlowShiftStaysOff(int seed)
    {
        // A level of 100 ± 1 never has a symmetric band reaching zero: with positive_slow_shift the slow test never judges
        // it, so every verdict is the one without the slow test, bit for bit (a 3σ drop included).
        var values = Synthetic.Noise(2 * Day, 100, 1, seed);
        for (var i = Day; i < Day + 120; i++)
        {
            values[i] -= 3;
        }

        var off = Run(values, LowSide);
        var gated = Run(values, WithSlowShift);

        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(off[i].Score, gated[i].Score);
            Assert.Equal(off[i].Lower, gated[i].Lower);
            Assert.Equal(off[i].Upper, gated[i].Upper);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_CleanLatencyDays_WithPositiveSlowShift_CountsOnsets(int seed)
    {
        // Two clean days after the first: the slow test raises no onset the log-space lower side does not (1, 1, 2 on
        // these seeds, with and without it). (On the scenario suite it does: docs/benchmarks.md, detect19.)
        var values = Synthetic.LatencySeries(3 * Day, 0.1, 0, 0, 1, seed);

        var onsetsLow = Synthetic.Onsets(Run(values, LowSide)).Count(i => i >= Day);
        var onsetsSlow = Synthetic.Onsets(Run(values, WithSlowShift)).Count(i => i >= Day);

        Assert.True(onsetsSlow <= onsetsLow, $"seed {seed}: {onsetsSlow} clean onsets with the slow test, {onsetsLow} without");
    }

    [Fact]
    public void WriteState_WithPositiveSlowShift_RoundTripsBitForBit()
    {
        // The gate is part of the prediction (no state of its own); the slow test's state is the contract's, written and
        // read as before. A drop to 0.5× after the restore is judged the same by both copies.
        var detector = new AutoDetectorFactory().Create(WithSlowShift);
        const int from = 3 * Day;
        var values = Synthetic.LatencySeries(from + 120, 0.1, from, from + 60, 0.5, 5);
        var a = (ISerializableSeriesDetector)detector.CreateSeries();
        for (var i = 0; i < from - 30; i++)
        {
            a.Observe(i * StepMs, values[i]);
        }

        var b = Synthetic.Restore(detector, a);

        for (var i = from - 30; i < values.Length; i++)
        {
            var va = a.Observe(i * StepMs, values[i]);
            var vb = b.Observe(i * StepMs, values[i]);
            Assert.Equal(va.Score, vb.Score);
            Assert.Equal(va.Lower, vb.Lower);
            Assert.Equal(va.Upper, vb.Upper);
        }
    }
}
