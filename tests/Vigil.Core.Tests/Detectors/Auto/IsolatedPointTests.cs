using Vigil.Core.Detection;
using Vigil.Core.Detectors.Auto;

namespace Vigil.Core.Tests.Detectors.Auto;

/// <summary>
/// The isolated-point edge (docs/detectors.md, <c>auto</c> item 8): a heavy-tailed latency's routine slow requests do
/// not page one by one, while a sustained step still alarms from its second point and holds.
/// </summary>
public sealed class IsolatedPointTests
{
    private const int Day = 1440;
    private const long StepMs = 60_000;

    /// <summary>Three days of a 0.1 s latency, log-normal noise (σ 0.2) and 1 % of points at 2–5× (fixed seed); then a 3× step for an hour.</summary>
    private static double[] Latency(int seed, out int stepStart)
    {
        stepStart = 3 * Day;
        return Synthetic.LatencySeries((3 * Day) + 120, 0.1, stepStart, stepStart + 60, 3, seed);
    }

    private static (int Onsets, int HeldAfterFirst) Run(bool isolated, double[] values, int stepStart, bool novelty = true)
    {
        var parameters = new Dictionary<string, string> { ["isolated_far_tail"] = isolated ? "1" : "0", ["novelty"] = novelty ? "1" : "0" };
        var series = new AutoDetectorFactory().Create(parameters).CreateSeries();
        var episodes = new EpisodeTracker(EpisodeTracker.DefaultQuietPoints);
        var onsets = 0;
        var held = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var verdict = series.Observe(i * StepMs, values[i]);
            var transition = episodes.Observe(i * StepMs, values[i], verdict);
            if (i >= Day && i < stepStart && transition == EpisodeTransition.Onset)
            {
                onsets++;
            }

            if (i > stepStart && i < stepStart + 60 && verdict.Score > 1)
            {
                held++;
            }
        }

        return (onsets, held);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_RoutineSlowRequests_PageLessOften(int seed)
    {
        var values = Latency(seed, out var stepStart);

        // The novelty edge is off in both runs: it fires on these points too (the range of normal values never holds
        // the slow requests it excluded), which this edge does not address (docs/detectors.md, what auto does not do yet).
        var near = Run(isolated: false, values, stepStart, novelty: false);
        var far = Run(isolated: true, values, stepStart, novelty: false);

        // Two clean days after a day of learning: 1 % of 2–5× points is about 29 slow requests.
        Assert.True(far.Onsets * 5 <= near.Onsets * 4, $"seed {seed}: {far.Onsets} onsets with the isolated edge, {near.Onsets} without");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_SustainedStep_HoldsFromItsSecondPoint(int seed)
    {
        var values = Latency(seed, out var stepStart);

        var far = Run(isolated: true, values, stepStart);

        // 59 points after the first; a 3× step of a log-normal latency sits past the near edge on nearly all of them.
        Assert.True(far.HeldAfterFirst >= 50, $"seed {seed}: {far.HeldAfterFirst} of 59 step points scored above 1");
    }
}
