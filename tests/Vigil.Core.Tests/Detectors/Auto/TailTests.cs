using Vigil.Core.Detection;
using Vigil.Core.Detectors.Auto;
using Vigil.Core.Tests.Detection;

namespace Vigil.Core.Tests.Detectors.Auto;

/// <summary>
/// The tails of <c>auto</c> (docs/detectors.md, items 11–13): the heavy tail per side (<c>side_tail</c>), isolated points
/// judged by the far tail rather than the novelty edge (<c>isolated_novelty</c>), and novelty edges half-way between
/// integers on count series (<c>integer_edges</c>, the default).
/// </summary>
public sealed class TailTests
{
    private const int Day = 1440;
    private const long StepMs = 60_000;

    /// <summary>
    /// Three days of a 0.1 s latency with log-normal noise (σ 0.2) and 1 % of slow requests at 2–5× (fixed seed), then a
    /// drop to 20 % of the level for an hour.
    /// </summary>
    private static double[] LatencyWithDrop(int seed, out int dropStart)
    {
        dropStart = 3 * Day;
        return Synthetic.LatencySeries((3 * Day) + 120, 0.1, dropStart, dropStart + 60, 0.2, seed);
    }

    private sealed record LatencyRun(int CleanOnsets, int DropHeld);

    private static LatencyRun Run(double[] values, int dropStart, Dictionary<string, string> parameters)
    {
        var series = new AutoDetectorFactory().Create(parameters).CreateSeries();
        var episodes = new EpisodeTracker(EpisodeTracker.DefaultQuietPoints);
        var onsets = 0;
        var held = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var verdict = series.Observe(i * StepMs, values[i]);
            var transition = episodes.Observe(i * StepMs, values[i], verdict);
            if (i >= Day && i < dropStart)
            {
                onsets += transition == EpisodeTransition.Onset ? 1 : 0;
            }

            if (i >= dropStart && i < dropStart + 60 && verdict.Score > 1)
            {
                held++;
            }
        }

        return new LatencyRun(onsets, held);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_LatencyDropToTwentyPercentWithSideTail_IsFlaggedAndHeld(int seed)
    {
        var values = LatencyWithDrop(seed, out var dropStart);

        var symmetric = Run(values, dropStart, new() { ["side_tail"] = "0" });
        var sided = Run(values, dropStart, new() { ["side_tail"] = "1" });

        // An hour at 20 % of a latency's level. With the tail of |error| the slow requests widen the band below as well,
        // the shift test standardises by that σ and the level follows the drop down before it fires (seed 1: held on 0
        // of 60 points); per side the band below is the ordinary noise and the shift test holds the drop.
        Assert.True(sided.DropHeld >= 45, $"seed {seed}: side_tail=1 held the drop on {sided.DropHeld} of 60 points ({symmetric.DropHeld} with side_tail=0)");
        Assert.True(sided.DropHeld >= symmetric.DropHeld, $"seed {seed}: side_tail=1 held {sided.DropHeld}, side_tail=0 {symmetric.DropHeld}");
    }

    [Fact]
    public void Observe_LatencyDropWithSymmetricTail_IsMissedOnSeedOne()
    {
        // The case the per-side tail is for (seed 1 above): with the symmetric tail the drop is learned as normal.
        var values = LatencyWithDrop(1, out var dropStart);

        // Measured without routine excursions (item 14), as when side_tail was measured: with them the symmetric tail
        // held this drop on 50 of 60 points on this seed (the routine slow requests no longer inflate the band it is
        // judged by in the same way), so the case is pinned to the state the comparison was made in.
        // The same for the log-space lower side (positive_low, the default since session 11), which holds this drop itself.
        var symmetric = Run(values, dropStart, new() { ["side_tail"] = "0", ["routine_margin"] = "0", ["positive_low"] = "0" });
        var sided = Run(values, dropStart, new() { ["side_tail"] = "1", ["routine_margin"] = "0", ["positive_low"] = "0" });

        Assert.True(symmetric.DropHeld < 10, $"side_tail=0 held the drop on {symmetric.DropHeld} of 60 points");
        Assert.True(sided.DropHeld >= 45, $"side_tail=1 held the drop on {sided.DropHeld} of 60 points");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_RoutineSlowRequestsWithIsolatedNovelty_RaiseFewerOnsets(int seed)
    {
        var values = LatencyWithDrop(seed, out var dropStart);

        // Both without routine excursions (item 14, now the default), which quieten the same slow requests further.
        var defaults = Run(values, dropStart, new() { ["routine_margin"] = "0" });
        var isolated = Run(values, dropStart, new() { ["isolated_novelty"] = "5", ["routine_margin"] = "0" });

        // Two clean days (about 29 slow requests): judged by the far tail alone, a lone slow request is not a level
        // never seen before. The ones left (12–15 against 22–24 on these seeds) pass the isolated point edge itself: the
        // far-tail estimate does not reach the top of a 2–5× tail (docs/detectors.md, what auto does not do yet).
        Assert.True(isolated.CleanOnsets * 4 <= defaults.CleanOnsets * 3, $"seed {seed}: {isolated.CleanOnsets} onsets in two clean days with isolated_novelty=5, {defaults.CleanOnsets} with the defaults");
    }

    [Fact]
    public void Observe_SecondPointPastTheNoveltyEdge_IsJudgedOnIt()
    {
        // A quiet integer gauge 10 ± 1 (a range of 4 after warm-up), then a new level of 30 that stays: with the novelty
        // edge skipped for isolated points, the first point must pass the far tail, and the second is judged on novelty.
        var random = new Random(5);
        var series = new AutoDetectorFactory().Create(new Dictionary<string, string> { ["isolated_novelty"] = "5" }).CreateSeries();
        for (var i = 0; i < 400; i++)
        {
            series.Observe(i * StepMs, 8 + random.Next(5));
        }

        var first = series.Observe(400 * StepMs, 30);
        var second = series.Observe(401 * StepMs, 30);

        Assert.True(first.IsAnomaly || second.IsAnomaly, $"a new level of 30 on a 10 ± 2 gauge scored {first.Score} then {second.Score}");
        Assert.True(second.IsAnomaly, $"the second point of a new level scored {second.Score}");
    }

    /// <summary>Uniform integers 0–10 (range 10, so the novelty tolerance 0.1 × range is exactly 1), novelty_min_sigma 0.</summary>
    private static ISeriesDetector IntegerGauge(bool integerEdges, out int next)
    {
        var random = new Random(11);
        var series = new AutoDetectorFactory().Create(new Dictionary<string, string>
        {
            ["novelty_min_sigma"] = "0",
            ["integer_edges"] = integerEdges ? "1" : "0",
            // The novelty edge itself, not the counting law's floor (item 34), which puts this count's edge at 21.5.
            ["count_ordinary_tail"] = "0",
        }).CreateSeries();
        next = 400;
        series.Observe(0, 0);
        series.Observe(StepMs, 10);
        for (var i = 2; i < next; i++)
        {
            series.Observe(i * StepMs, random.Next(11));
        }

        return series;
    }

    [Fact]
    public void Observe_CountAtMaxPlusTolerance_EdgeLiesHalfWayBetweenIntegers()
    {
        var series = IntegerGauge(integerEdges: true, out var next);

        var verdict = series.Observe(next * StepMs, 11);

        // max 10 + 0.1 × range 10 = 11 exactly: the edge goes out to 11.5, so the count 11 is inside (not on the edge) and
        // 12 would be outside.
        Assert.Equal(11.5, verdict.Upper);
        Assert.True(verdict.Score < 1, $"11 scored {verdict.Score} against an edge of {verdict.Upper}");
        Assert.Equal(-1.5, verdict.Lower);
    }

    [Fact]
    public void Observe_CountAtMaxPlusToleranceWithoutIntegerEdges_SitsOnTheEdge()
    {
        // What integer_edges prevents: the edge is the count itself, and the count scores exactly 1.
        var series = IntegerGauge(integerEdges: false, out var next);

        var verdict = series.Observe(next * StepMs, 11);

        Assert.Equal(11, verdict.Upper);
        Assert.Equal(1, verdict.Score);
    }

    [Theory]
    [InlineData(1, 3.0)]
    [InlineData(2, 8.0)]
    [InlineData(3, 20.0)]
    [InlineData(4, 1.0)]
    public void Observe_PoissonCountWithRamp_NeverSitsOnABandEdge(int seed, double lambda)
    {
        // Four days of a Poisson count with a ramp to 3× over two hours each day (new extremes, so the novelty edge is
        // often the tightest), with the defaults: no count may equal an edge it is judged by.
        var random = new Random(seed);
        var series = new AutoDetectorFactory().Create(new Dictionary<string, string>()).CreateSeries();
        var onEdge = 0;
        for (var i = 0; i < 4 * Day; i++)
        {
            var phase = i % Day;
            var rate = phase is >= 600 and < 720 ? lambda * (1 + (2.0 * (phase - 600) / 120)) : lambda;
            double x = Synthetic.Poisson(random, rate);
            var verdict = series.Observe(i * StepMs, x);
            if (verdict.Kind == VerdictKind.Scored && (x == verdict.Upper || x == verdict.Lower))
            {
                onEdge++;
            }
        }

        Assert.Equal(0, onEdge);
    }

    [Theory]
    [InlineData("side_tail=1")]
    [InlineData("isolated_novelty=5")]
    [InlineData("integer_edges=0")]
    public void WriteState_TailOptions_RoundTripsBitForBit(string parameter)
    {
        var (name, value) = (parameter[..parameter.IndexOf('=', StringComparison.Ordinal)], parameter[(parameter.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        var detector = new AutoDetectorFactory().Create(new Dictionary<string, string> { [name] = value });
        var values = LatencyWithDrop(7, out _);
        var a = (ISerializableSeriesDetector)detector.CreateSeries();
        for (var i = 0; i < Day; i++)
        {
            a.Observe(i * StepMs, values[i]);
        }

        var b = Synthetic.Restore(detector, a);

        for (var i = Day; i < 2 * Day; i++)
        {
            var va = a.Observe(i * StepMs, values[i]);
            var vb = b.Observe(i * StepMs, values[i]);
            Assert.Equal(va.Score, vb.Score);
            Assert.Equal(va.Lower, vb.Lower);
            Assert.Equal(va.Upper, vb.Upper);
        }
    }
}
