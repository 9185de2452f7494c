using Vigil.Core.Detection;

namespace Vigil.Core.Tests.Detectors.Auto;

/// <summary>
/// detect17's opt-ins on continuous series: a level the upper tail cannot drag (<c>robust_level</c>), the lower side of
/// a positive series in log space with the shift test's σ at one log σ (<c>positive_low_shift</c>) and a burst's dips
/// kept out of the symmetric tail (<c>positive_low_tail</c>), and the trend carried through an incident bounded
/// (<c>incident_trend_cap</c>).
/// </summary>
public sealed class RobustLevelTests
{
    private const int Day = 1440;

    /// <summary>Two days of a 0.1 s latency (log-normal σ 0.2, 1 % of slow requests at 2–5×), then one request at 5×.</summary>
    private static double[] LatencyWithSlowRequest(int seed, out int at)
    {
        var random = new Random(seed);
        at = 2 * Day;
        var values = new double[at + 30];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Synthetic.Latency(random, 0.1);
        }

        // Inside the isolated-point edge (forgiven, so learned winsorised at the near edge): the level's worst case.
        values[at - 1] = 0.1;
        values[at] = 0.5;
        return values;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_SlowRequestWithRobustLevel_MovesTheExpectationByLittle(int seed)
    {
        var values = LatencyWithSlowRequest(seed, out var at);

        var plain = Synthetic.RunMinutes(Synthetic.Create("auto"), values);
        var robust = Synthetic.RunMinutes(Synthetic.Create("auto", ("robust_level", "2")), values);

        // By default the slow request (inside the isolated-point edge, so learned) moves the expectation by 3–7 % of the
        // level on these seeds (0.0031, 0.0070, 0.0042), and the trend it teaches carries on; with the level clipped at
        // 2 core σ, by at most 2.5 % (0.0015, 0.0023, 0.0016) and less than half of that.
        var movedPlain = plain[at + 1].Expected - plain[at].Expected;
        var movedRobust = robust[at + 1].Expected - robust[at].Expected;
        Assert.True(movedRobust <= 0.0025, $"seed {seed}: the slow request moved the expectation by {movedRobust} ({movedPlain} by default)");
        Assert.True(movedRobust < 0.5 * movedPlain, $"seed {seed}: moved {movedRobust} with robust_level, {movedPlain} by default");
    }

    /// <summary>
    /// A gauge that sits at exactly 16 (a replica count, a configured limit) but read 1 once while warming up (so its range,
    /// and the band's floor, is not zero), then an hour-long burst (σ 6) on day 3 whose second point
    /// lies just below 16, inside the band (learned: it teaches the trend), twelve hours at 16, one point at 32, an hour at 16.
    /// </summary>
    private static double[] FlatGaugeWithBurstThenSpike(int seed, out int burst, out int spike)
    {
        burst = 2 * Day;
        spike = burst + 60 + (12 * 60);
        var noise = Synthetic.Noise(60, 0, 6, seed);
        var values = new double[spike + 60];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = i >= burst && i < burst + 60 ? Math.Max(0, 16 + noise[i - burst]) : i == 10 ? 1 : 16;
        }

        values[burst] = 29;
        values[burst + 1] = 15.6;
        values[spike] = 32;
        return values;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_FlatGaugeBurstWithIncidentTrendCap_ReturnIsQuietAndLaterSpikeFlagged(int seed)
    {
        var values = FlatGaugeWithBurstThenSpike(seed, out var burst, out var spike);

        // incident_trend_cap=0 is main's behaviour before detect18 made the cap (1) the default.
        var plain = Synthetic.RunMinutes(Synthetic.Create("auto", ("incident_trend_cap", "0")), values);
        var capped = Synthetic.RunMinutes(Synthetic.Create("auto"), values);

        // Uncapped, the trend learned from the burst's second point is carried for as long as the run lasts: the
        // expectation walks 0.17–0.20 below 16 while the burst is excluded, the series back at 16 scores > 1 on 121
        // points after the burst, and the band before the spike is
        // still 20.6–21.6 high (the rebaseline learned the burst's spread). With the carry bounded at 1 core σ the
        // expectation stays within 0.1 of 16, the return is quiet, and the band is back at the floor (16.75).
        var afterPlain = plain[(burst + 60)..spike].Count(v => v.Score > 1);
        var afterCapped = capped[(burst + 60)..spike].Count(v => v.Score > 1);
        var drift = capped[burst..(burst + 60)].Max(v => Math.Abs(v.Expected - 16));
        Assert.True(afterPlain > 60, $"seed {seed}: by default {afterPlain} points after the burst scored > 1");
        Assert.Equal(0, afterCapped);
        Assert.True(drift < 0.1, $"seed {seed}: the expectation moved {drift} through the burst");
        Assert.True(capped[spike - 1].Upper < 17, $"seed {seed}: upper edge {capped[spike - 1].Upper} before the spike ({plain[spike - 1].Upper} by default)");
        Assert.True(capped[spike].Score > 1, $"seed {seed}: the spike scored {capped[spike].Score}");
    }

    /// <summary>
    /// Two days of a level of 100 (σ 1), an hour-long burst (σ 20) from which the level settles at 130 (σ 1) and stays:
    /// one anomalous run that is rebaselined at adapt_after (3 h after the burst began); an hour after that a step to 140.
    /// </summary>
    private static double[] BurstThenShift(int seed, out int rebaseline, out int step)
    {
        var burst = 2 * Day;
        rebaseline = burst + 180;
        step = rebaseline + 60;
        var noise = Synthetic.Noise(step + 60, 0, 1, seed);
        var values = new double[noise.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = i < burst ? 100 + noise[i] : i < burst + 60 ? 130 + (20 * noise[i]) : i < step ? 130 + noise[i] : 140 + noise[i];
        }

        return values;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_RebaselineAfterBurstWithRecentScale_NewBandFitsTheNewNoise(int seed)
    {
        var values = BurstThenShift(seed, out var rebaseline, out var step);

        var plain = Synthetic.RunMinutes(Synthetic.Create("auto"), values);
        var recent = Synthetic.RunMinutes(Synthetic.Create("auto", ("rebaseline_scale_points", "60")), values);

        // The run holds the burst, so by default the rebaseline sizes the new scale from its spread: the band's upper
        // half is 37–43 wide an hour later on these seeds and the 10σ step to 140 is never flagged. Sized by the last hour
        // of the run around its own median, the band is 5.3–5.8 wide and the step scores > 1 on every point, while the
        // hour at 130 between the rebaseline and the step stays quiet with both.
        var widthPlain = plain[step - 1].Upper - plain[step - 1].Expected;
        var widthRecent = recent[step - 1].Upper - recent[step - 1].Expected;
        Assert.True(widthRecent < 8, $"seed {seed}: upper half-width {widthRecent} after the rebaseline ({widthPlain} by default)");
        Assert.True(widthPlain > 20, $"seed {seed}: by default the upper half-width was {widthPlain}");
        Assert.All(recent[step..], v => Assert.True(v.Score > 1, $"seed {seed}: a step point scored {v.Score}"));
        Assert.Equal(0, recent[(rebaseline + 5)..step].Count(v => v.Score > 1));
    }
}
