using Vigil.Core.Detection;
using Vigil.Core.Tests.Detectors;

namespace Vigil.Core.Tests.Detection;

/// <summary>
/// The count shift test (docs/detectors.md, <c>auto</c> item 15; on by default for <c>auto</c>, once the baseline knows
/// the series' day; <c>count_shift_threshold=0</c> turns it off): a
/// quasi-Poisson likelihood-ratio CUSUM for drops on counts and ratios of counts, against a reference that does not
/// follow the drop. Series at one-minute steps; every series is seeded and failures print the seed and the figures.
/// </summary>
public sealed class CountShiftTestTests
{
    // Day 4, 01:00 UTC: "sign-ups dropped 30 % overnight", after three days to learn the series.
    private const int DropFrom = (3 * 1440) + 60;
    private const int Watched = 150;
    private const int Length = DropFrom + Watched;

    // Share of a drop's points (after the first five) that must score above 1, per case: a little below the worst of
    // seeds 1–5 with count_shift_threshold=12, count_shift_power=0.5 (61 %, 52 %, 63 %: docs/benchmarks.md, detect11).
    // The target is 85 %; it is not met yet (a count of 14 against a saturated edge at 0.89 × 20 ≈ 17.7 lands
    // inside it about a sixth of the time, and the edge widens again after each such point).
    private const double HeldTwenty = 0.6;
    private const double HeldSmall = 0.5;
    private const double HeldRatio = 0.6;

    private static IDetector CreateSut(string threshold = "12")
        => Synthetic.Create(
            "auto",
            (ContractOptions.CountShiftThresholdKey, threshold),
            (ContractOptions.CountShiftPowerKey, "0.5"));

    /// <summary>Errors over requests: 1 000 requests a minute, 0.5 % of them failing, × <paramref name="factor"/> from <paramref name="from"/> on.</summary>
    private static double[] ErrorRatio(int n, int from, double factor, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            var requests = Math.Max(1, Synthetic.Poisson(random, 100) * 10);
            var errors = Synthetic.Poisson(random, (i >= from ? factor : 1) * 0.005 * requests);
            values[i] = Math.Min(errors, requests) / (double)requests;
        }

        return values;
    }

    private static (int Onset, int Held, int Judged) Drop(Verdict[] verdicts, int from, int length)
    {
        var onset = Array.FindIndex(verdicts, from, length, v => v.IsAnomaly);
        // Held: the points after the first five of the drop that score above 1.
        var judged = length - 5;
        var held = verdicts.Skip(from + 5).Take(judged).Count(v => v.IsAnomaly);
        return (onset < 0 ? -1 : onset - from, held, judged);
    }

    [Fact]
    public void Observe_CountOfTwentyDropsThirtyPercent_FlaggedWithinThirtyMinutesAndHeld()
    {
        // The sign-ups case on a flat count: ~20 a minute drops 30 % (about 1.3σ a point) and stays there.
        // (With a daily curve it is not met yet: docs/detectors.md, item 15, "Limits".)
        Synthetic.AssertEverySeed(seed =>
        {
            var verdicts = Synthetic.RunMinutes(CreateSut(), Synthetic.FlatCount(Length, 20, DropFrom, int.MaxValue, 0.7, seed));
            var (onset, held, judged) = Drop(verdicts, DropFrom, Watched);
            return onset < 0 || onset > 30 || held < HeldTwenty * judged
                ? $"seed {seed}: onset {onset} min, held {held}/{judged}"
                : null;
        });
    }

    [Fact]
    public void Observe_CountOfTwentyDropsThirtyPercentWithoutTheCountTest_IsNotHeld()
    {
        // What the test is for: without it (count_shift_threshold=0) the fast forecast follows the drop and few of its points leave the band.
        // The slow shift test is off here too: on by default since session 12, it judges this count where the log-space
        // lower side acts (20 − 5σ reaches zero) and holds part of the drop itself (75 of 145 points on seed 2).
        Synthetic.AssertEverySeed(seed =>
        {
            var withoutEither = Synthetic.Create(
                "auto",
                (ContractOptions.CountShiftThresholdKey, "0"),
                (ContractOptions.CountShiftPowerKey, "0.5"),
                (ContractOptions.SlowShiftThresholdKey, "0"));
            var verdicts = Synthetic.RunMinutes(withoutEither, Synthetic.FlatCount(Length, 20, DropFrom, int.MaxValue, 0.7, seed));
            var (onset, held, judged) = Drop(verdicts, DropFrom, Watched);
            return held >= 0.2 * judged
                ? $"seed {seed}: onset {onset} min, held {held}/{judged} without the count test"
                : null;
        });
    }

    [Fact]
    public void Observe_CountOfTwentyWithoutDrop_NoMoreOnsetsThanWithoutTheTest()
    {
        // The same count without the drop, days 2–5: the count test raises no episode of its own.
        Synthetic.AssertEverySeed(seed =>
        {
            var values = Synthetic.FlatCount(5 * 1440, 20, int.MaxValue, int.MaxValue, 1, seed);
            var with = Synthetic.Onsets(Synthetic.RunMinutes(CreateSut(), values)).Count(i => i >= 1440);
            var without = Synthetic.Onsets(Synthetic.RunMinutes(CreateSut("0"), values)).Count(i => i >= 1440);
            return with > without
                ? $"seed {seed}: {with} onsets with the count test, {without} without"
                : null;
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Observe_SmallPoissonCountDropsToAThird_FlaggedAndHeld(int seed)
    {
        // The scenario suite's case: a count of 3 a minute (point σ 1.7, its band about [−2, 20]) drops to 0.38×.
        var verdicts = Synthetic.RunMinutes(CreateSut(), Synthetic.FlatCount(Length, 3, DropFrom, int.MaxValue, 0.38, seed));

        var (onset, held, judged) = Drop(verdicts, DropFrom, Watched);
        Assert.True(onset is >= 0 and <= 30, $"seed {seed}: onset {onset} min");
        Assert.True(held >= HeldSmall * judged, $"seed {seed}: held {held}/{judged}");
        // The expectation stays at the old level: the drop did not teach the baseline.
        Assert.True(verdicts[Length - 1].Expected > 2.4, $"seed {seed}: expected {verdicts[Length - 1].Expected} at the end");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Observe_ErrorRatioDropsToAThird_FlaggedAndHeld(int seed)
    {
        // An error ratio of 0.5 % on 1 000 requests a minute (5 errors, noisier than its level looks) drops to 0.35×.
        var verdicts = Synthetic.RunMinutes(CreateSut(), ErrorRatio(Length, DropFrom, 0.35, seed));

        var (onset, held, judged) = Drop(verdicts, DropFrom, Watched);
        Assert.True(onset is >= 0 and <= 30, $"seed {seed}: onset {onset} min");
        Assert.True(held >= HeldRatio * judged, $"seed {seed}: held {held}/{judged}");
    }

    [Fact]
    public void Observe_SeriesThatAreNotCounts_VerdictsUnchanged()
    {
        // Gaussian noise around a daily curve (fractions, some negative) and a latency in [0, 1] that is never 0: the
        // test stands down, so every verdict is the same bit for bit as without it.
        var random = new Random(7);
        var latency = new double[3 * 1440];
        for (var i = 0; i < latency.Length; i++)
        {
            latency[i] = Synthetic.Latency(random, 0.1 * (1 + (0.2 * Math.Sin(2 * Math.PI * i / 1440.0))));
        }

        foreach (var values in new[] { Synthetic.Daily(3 * 1440, 0, 10, 2, seed: 3), latency })
        {
            var with = Synthetic.RunMinutes(CreateSut(), values);
            var without = Synthetic.RunMinutes(CreateSut("0"), values);
            for (var i = 0; i < values.Length; i++)
            {
                Assert.Equal(without[i], with[i]);
            }
        }
    }

    [Fact]
    public void ReadState_DuringADrop_RestoredSeriesGivesTheSameVerdicts()
    {
        // Snapshotted while the evidence builds up (10 minutes into the drop), restored as after a restart.
        var values = Synthetic.FlatCount(Length, 3, DropFrom, int.MaxValue, 0.38, seed: 2);
        var detector = CreateSut();
        var series = (ISerializableSeriesDetector)detector.CreateSeries();
        var split = DropFrom + 10;
        Synthetic.RunMinutes(series, values[..split]);
        var restored = Synthetic.Restore(detector, series);

        var original = Synthetic.RunMinutes(series, values[split..], split);
        var again = Synthetic.RunMinutes(restored, values[split..], split);

        Assert.Equal(original, again);
    }

    [Theory]
    [InlineData(new[] { 3.0, 0, 5, 2 }, "Counts")]
    [InlineData(new[] { 0.004, 0, 0.011, 0.006 }, "Ratios")]
    [InlineData(new[] { 0.104, 0.097, 0.35, 0.11 }, "None")]
    [InlineData(new[] { 0.4, 0, 1.5, 0.3 }, "None")]
    [InlineData(new[] { 3.0, -1, 5, 2 }, "None")]
    public void Kind_SeriesValues_ClassifiedAsTheyLook(double[] pattern, string expected)
    {
        // Whole numbers are counts; values in [0, 1] that hit 0 are ratios of counts; a latency in [0, 1] that is never
        // 0, anything above 1 that is fractional, and anything negative is neither.
        var test = new CountShiftTest(ContractOptions.Default with { CountShiftThreshold = 12 });
        for (var i = 0; i < 100; i++)
        {
            test.See(pattern[i % pattern.Length]);
        }

        Assert.Equal(expected, test.Kind.ToString());
    }

    [Fact]
    public void Observe_DropBeforeTheDayIsKnown_WaitsUnlessCountShiftDayIsOff()
    {
        // Ten hours into a series the baseline cannot know its day yet, so by default (count_shift_day=1) the count test
        // stands down and every verdict is that of auto without it; with count_shift_day=0 it judges the same drop. The
        // counting law's floor (count_ordinary_tail, item 34) reads the count test's rates, so both runs go without it.
        const int from = 600;
        const int length = from + Watched;
        var failures = new List<string>();
        for (var seed = 1; seed <= 3; seed++)
        {
            var values = Synthetic.FlatCount(length, 20, from, int.MaxValue, 0.7, seed);
            var byDefault = Synthetic.RunMinutes(Synthetic.Create("auto", (ContractOptions.CountOrdinaryTailKey, "0")), values);
            var without = Synthetic.RunMinutes(Synthetic.Create("auto", (ContractOptions.CountShiftThresholdKey, "0"), (ContractOptions.CountOrdinaryTailKey, "0")), values);
            var early = Synthetic.RunMinutes(Synthetic.Create("auto", (ContractOptions.CountShiftDayKey, "0")), values);
            var differ = Enumerable.Range(0, length).Count(i => byDefault[i].Score != without[i].Score || byDefault[i].Kind != without[i].Kind);
            var (onset, held, judged) = Drop(early, from, Watched);
            var (onsetWithout, heldWithout, _) = Drop(without, from, Watched);
            if (differ > 0 || onset < 0 || onset > 30 || held <= heldWithout)
            {
                failures.Add($"seed {seed}: {differ} verdicts differ from auto without the test; count_shift_day=0: onset {onset} min, held {held} of {judged} (without the test: onset {onsetWithout}, held {heldWithout})");
            }
        }

        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }
}
