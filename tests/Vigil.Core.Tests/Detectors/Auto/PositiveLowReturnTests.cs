using Vigil.Core.Detection;

namespace Vigil.Core.Tests.Detectors.Auto;

/// <summary>
/// A latency ramp's return under the log-space lower side (detect26, <c>positive_low_return</c>). The ramp is learned by
/// the level as it climbs; at its end the series is back at its usual level, a drop against the ramp's top, and the shift
/// evidence that drop builds froze the level at the top, so the tight lower side paged through the return.
/// </summary>
public sealed class PositiveLowReturnTests
{
    private const int Day = 1440;
    private const int RampMinutes = 85;

    private static readonly Dictionary<string, string> Family = new()
    {
        ["positive_low"] = "1",
        ["positive_low_shift"] = "1",
        ["positive_low_dips"] = "1",
    };

    private static readonly Dictionary<string, string> WithReturn = new(Family)
    {
        ["positive_low_return"] = "1",
    };

    private static Verdict[] Run(double[] values, Dictionary<string, string> parameters) => Synthetic.RunAutoFromEpoch(values, parameters);

    // Three days of a 0.1 s latency (log-normal σ 0.2, 1 % of slow requests at 2–5×), a ramp from 1× to 2.3× over 85
    // minutes (the suite's latency_0 ramp), then three hours back at the level.
    private static double[] Ramp(int seed, out int end)
    {
        const int from = 3 * Day;
        end = from + RampMinutes;
        var values = Synthetic.LatencySeries(end + 180, 0.1, 0, 0, 1, seed);
        for (var i = from; i < end; i++)
        {
            values[i] *= 1 + (1.3 * (i - from + 1) / RampMinutes);
        }

        return values;
    }

    private static int OnsetsIn(Verdict[] verdicts, int from, int to) => Synthetic.Onsets(verdicts).Count(i => i >= from && i < to);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Observe_LatencyRampThatReturns_TheReturnPagesAtMostOnceAndThenNoMore(int seed)
    {
        var values = Ramp(seed, out var end);

        var without = Run(values, Family);
        var with = Run(values, WithReturn);

        // The ramp's end may page once (a drop against the ramp's top: the suite counts an onset up to 15 minutes after a
        // ramp's end as detecting it); the rest of the return hour is judged against the level the ramp left.
        var onsets = OnsetsIn(with, end, end + 75);
        var late = Above(with, end + 30, end + 75);
        Assert.True(
            onsets <= 1 && late == 0,
            $"seed {seed}: {onsets} onsets and {late} points above 1 in the return's last 45 minutes with positive_low_return; " +
            $"{OnsetsIn(without, end, end + 75)} and {Above(without, end + 30, end + 75)} without");
    }

    private static int Above(Verdict[] verdicts, int from, int to) => verdicts[from..to].Count(v => v.Score > 1);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Observe_LatencyDropWithoutAClimb_IsJudgedAsWithoutIt(int seed)
    {
        // A level that halves for an hour after three flat days: no climb to take back, so every verdict is the one without.
        const int from = 3 * Day;
        var values = Synthetic.LatencySeries(from + 120, 0.1, from, from + 60, 0.3, seed);

        var without = Run(values, Family);
        var with = Run(values, WithReturn);

        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(without[i].Score, with[i].Score);
            Assert.Equal(without[i].Lower, with[i].Lower);
        }
    }

    [Fact]
    public void Observe_GaussianLevel_IsBitIdenticalWithAndWithoutIt()
    {
        // The log-space side never acts on a level far from zero, so neither does the give-back.
        var values = Synthetic.Noise(4 * Day, 100, 5, 1);
        for (var i = 3 * Day; i < (3 * Day) + 120; i++)
        {
            values[i] -= i < (3 * Day) + 60 ? 15 * (i - (3 * Day)) / 60.0 : 15;
        }

        var without = Run(values, new Dictionary<string, string>());
        var with = Run(values, new Dictionary<string, string> { ["positive_low_return"] = "1" });
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(without[i].Score, with[i].Score);
            Assert.Equal(without[i].Expected, with[i].Expected);
        }
    }
}
