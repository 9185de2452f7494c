using Vigil.Core.Detection;
using Vigil.Core.Tests.Detectors;

namespace Vigil.Core.Tests.Detection;

/// <summary>
/// The return memory (docs/detectors.md, <c>auto</c> item 16): after an anomaly lasted <c>adapt_after</c> and became
/// the new normal, a return to where the series was before it is not an alarm, and the series is judged against its
/// old level again; a move anywhere else is judged as before.
/// </summary>
public sealed class ReturnMemoryTests
{
    private const int Day = 1440;
    private const int DropStart = Day + 600;
    private const int DropLength = 240;

    private static readonly (string, string) Memory = ("return_memory", "6h");
    private static readonly (string, string) NoMemory = ("return_memory", "0s");

    /// <summary>A level of 100 (σ 2) that drops to 10 for four hours (longer than adapt_after, 3 h) and comes back.</summary>
    private static double[] DropAndReturn(int seed, int after = 180)
    {
        var values = Synthetic.Noise(DropStart + DropLength + after, 100, 2, seed);
        var drop = Synthetic.Noise(DropLength, 10, 2, seed + 50);
        Array.Copy(drop, 0, values, DropStart, DropLength);
        return values;
    }

    private static int OnsetsIn(Verdict[] verdicts, int from, int to) => Synthetic.Onsets(verdicts).Count(i => i >= from && i < to);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_ReturnAfterDropBecameNormal_IsNotAnAlarmAndRestoresTheOldLevel(int seed)
    {
        var values = DropAndReturn(seed);
        var returnAt = DropStart + DropLength;

        var with = Synthetic.RunMinutes(Synthetic.Create("auto", Memory), values);
        // The control runs on the symmetric lower side (positive_low=0, the default before session 11): with the log-space
        // side, the low level's own dips (10 ± 2) page at the drop's end on seed 2, so the return without the memory lies
        // inside that episode and opens none of its own (it still scores > 1).
        var without = Synthetic.RunMinutes(Synthetic.Create("auto", NoMemory, ("positive_low", "0")), values);

        // The drop alarms at its onset either way, and is the new normal after 3 h; without the memory the return to
        // 100 is judged against 10 and pages, with it the return is the old level coming back.
        Assert.True(with[DropStart].Score > 1, $"seed {seed}: the drop's first point scored {with[DropStart].Score}");
        Assert.True(OnsetsIn(without, returnAt, values.Length) >= 1, $"seed {seed}: without the memory the return did not alarm");
        Assert.Equal(0, OnsetsIn(with, returnAt, values.Length));
        Assert.All(with[returnAt..], v => Assert.True(v.Score <= 1, $"seed {seed}: a point after the return scored {v.Score}"));
        // Three points back in the old band rebaseline to it: from then on the expectation is the old level.
        Assert.InRange(with[returnAt + 10].Expected, 95, 105);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Observe_MovePastTheOldLevelAfterDropBecameNormal_IsFlagged(int seed)
    {
        var values = DropAndReturn(seed);
        var returnAt = DropStart + DropLength;
        // Not a return: the series jumps past where it was before the drop, to 200.
        for (var i = returnAt; i < values.Length; i++)
        {
            values[i] += 100;
        }

        var verdicts = Synthetic.RunMinutes(Synthetic.Create("auto", Memory), values);

        Assert.True(verdicts[returnAt].Score > 1, $"seed {seed}: a jump to 200 after the drop scored {verdicts[returnAt].Score} (band {verdicts[returnAt].Lower}..{verdicts[returnAt].Upper})");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Observe_LevelBetweenNewAndOldAfterDropBecameNormal_IsFlaggedFromItsSecondPoint(int seed)
    {
        var values = DropAndReturn(seed);
        var returnAt = DropStart + DropLength;
        // Not a return: the series settles half-way, at 55, between the adapted 10 and the old 100.
        for (var i = returnAt; i < values.Length; i++)
        {
            values[i] -= 45;
        }

        var verdicts = Synthetic.RunMinutes(Synthetic.Create("auto", Memory), values);

        // The first point lies inside the side widened towards the old level (the band is a prediction made before it was
        // seen); it is not in the old band, so the memory ends and the next point is judged on the near band again.
        Assert.True(verdicts[returnAt + 1].Score > 1, $"seed {seed}: the second point at 55 scored {verdicts[returnAt + 1].Score} (band {verdicts[returnAt + 1].Lower}..{verdicts[returnAt + 1].Upper})");
        Assert.Single(Synthetic.Onsets(verdicts[returnAt..]));
    }

    [Fact]
    public void Observe_ReturnAfterTheMemoryExpired_IsJudgedAgainstTheNewLevel()
    {
        // The memory lasts return_memory after the rebaseline (here 1 h): a return 4 h after it is a change like any other.
        var values = DropAndReturn(seed: 4, after: 60);
        var longer = Synthetic.Noise(DropLength + 180, 10, 2, seed: 60);
        var all = values[..DropStart].Concat(longer).Concat(Synthetic.Noise(60, 100, 2, seed: 61)).ToArray();
        var returnAt = DropStart + longer.Length;

        var verdicts = Synthetic.RunMinutes(Synthetic.Create("auto", ("return_memory", "1h")), all);

        Assert.True(verdicts[returnAt].Score > 1, $"a return after the memory expired scored {verdicts[returnAt].Score}");
    }

    [Fact]
    public void ReadState_RoundTripWhileRemembering_KeepsVerdictsBitIdentical()
    {
        var values = DropAndReturn(seed: 5);
        var detector = Synthetic.Create("auto", Memory);
        var a = (ISerializableSeriesDetector)detector.CreateSeries();
        // Restored after the rebaseline (3 h into the drop) and before the return: the memory is in the state.
        var split = DropStart + DropLength - 20;
        Synthetic.RunMinutes(a, values[..split]);
        var b = Synthetic.Restore(detector, a);

        var rest = values[split..];
        var expected = Synthetic.RunMinutes(a, rest, split);
        var actual = Synthetic.RunMinutes(b, rest, split);
        Assert.Equal(expected, actual);
        Assert.Equal(0, OnsetsIn(actual, 20, actual.Length));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void ReadState_RoundTripWhileFollowingTheDay_KeepsVerdictsBitIdentical(int seed)
    {
        // return_curve (opt-in) keeps the gap between the old level and the day's curve as one float in the state; the
        // memory holds the same float from the rebaseline on, so a restart between the rebaseline (13:00 on the missing
        // peak's day) and the evening return changes no verdict.
        var values = Synthetic.DailyRequestRate(days: 4, seed: seed, missingPeakDay: 2);
        var detector = Synthetic.Create("auto", ("return_curve", "1"), ("rebaseline_from_profile", "1"));
        var a = (ISerializableSeriesDetector)detector.CreateSeries();
        var split = (2 * Day) + (16 * 60);
        Synthetic.RunMinutes(a, values[..split]);
        var b = Synthetic.Restore(detector, a);

        var rest = values[split..];
        Assert.Equal(Synthetic.RunMinutes(a, rest, split), Synthetic.RunMinutes(b, rest, split));
    }
}
