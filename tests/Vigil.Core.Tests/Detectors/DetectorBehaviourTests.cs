using Vigil.Core.Detection;

namespace Vigil.Core.Tests.Detectors;

/// <summary>Known answers every detector type must give with its default parameters.</summary>
public sealed class DetectorBehaviourTests
{
    // Long enough for every warm-up: Holt-Winters and auto fit after 600 points, robust fills 1000.
    private const int Warm = 1500;

    public static TheoryData<string> Types => Synthetic.AllTypes();

    [Theory]
    [MemberData(nameof(Types))]
    public void Observe_SpikeAfterWarmup_ScoresAboveOne(string type)
    {
        var values = Synthetic.Noise(Warm + 1, 100, 1, seed: 1);
        values[Warm] = 160;

        var verdicts = Synthetic.Run(Synthetic.Create(type), values);

        Assert.Equal(VerdictKind.Scored, verdicts[Warm].Kind);
        Assert.True(verdicts[Warm].Score > 1, $"{type}: spike scored {verdicts[Warm].Score}");
        Assert.True(verdicts[Warm].IsAnomaly);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Observe_NoiseOnly_RarelyAlerts(string type)
    {
        var values = Synthetic.Noise(4000, 100, 1, seed: 2);

        var verdicts = Synthetic.Run(Synthetic.Create(type), values);

        // rolling_sigma is plain 3σ: 0.27% of normal points lie outside, so about 11 of 4000 is its design.
        var alerts = verdicts.Count(v => v.IsAnomaly);
        Assert.True(alerts <= (type == "rolling_sigma" ? 25 : 8), $"{type}: {alerts} alerts on 4000 points of plain noise");
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Observe_FlatLine_NeverAlertsAndScoresZero(string type)
    {
        var values = Enumerable.Repeat(42.0, 2000).ToArray();

        var verdicts = Synthetic.Run(Synthetic.Create(type), values);

        Assert.All(verdicts, v => Assert.Equal(0, v.Score));
        Assert.Contains(verdicts, v => v.Kind == VerdictKind.Scored);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Observe_FlatLineThenStep_Alerts(string type)
    {
        var values = Enumerable.Repeat(42.0, Warm).Append(50.0).ToArray();

        var verdicts = Synthetic.Run(Synthetic.Create(type), values);

        Assert.True(verdicts[^1].IsAnomaly, $"{type}: step off a flat line scored {verdicts[^1].Score}");
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Observe_NaNAndInfinity_AreInvalidAndLaterPointsStillScore(string type)
    {
        var values = Synthetic.Noise(Warm + 200, 100, 1, seed: 3);
        for (var i = 10; i < values.Length; i += 37)
        {
            values[i] = i % 2 == 0 ? double.NaN : double.PositiveInfinity;
        }

        values[^1] = 160;
        var verdicts = Synthetic.Run(Synthetic.Create(type), values);

        for (var i = 10; i < values.Length - 1; i += 37)
        {
            Assert.Equal(VerdictKind.Invalid, verdicts[i].Kind);
        }

        Assert.All(verdicts, v => Assert.True(double.IsFinite(v.Score)));
        Assert.True(verdicts[^1].IsAnomaly, $"{type}: spike after gaps scored {verdicts[^1].Score}");
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Observe_SlowDrift_DoesNotAlertWhenNoiseDominates(string type)
    {
        var values = Synthetic.Noise(4000, 100, 1, seed: 4);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] += 0.0005 * i; // 2σ over the whole series
        }

        var verdicts = Synthetic.Run(Synthetic.Create(type), values);

        var alerts = verdicts.Count(v => v.IsAnomaly);
        Assert.True(alerts <= (type == "rolling_sigma" ? 25 : 8), $"{type}: drift alerted {alerts} times");
    }

    [Theory]
    [InlineData("robust", 700)]
    [InlineData("holt_winters", 100)]
    [InlineData("auto", 200)]
    [InlineData("rolling_sigma", 200)]
    public void Observe_SustainedLevelShift_StopsAlertingAfterReanchoring(string type, int within)
    {
        var values = Synthetic.Noise(Warm + 2000, 100, 1, seed: 5);
        for (var i = Warm; i < values.Length; i++)
        {
            values[i] += 20;
        }

        var verdicts = Synthetic.Run(Synthetic.Create(type), values);

        Assert.True(verdicts[Warm].IsAnomaly, $"{type}: the shift itself scored {verdicts[Warm].Score}");
        var late = verdicts.Skip(Warm + within).Count(v => v.IsAnomaly);
        // rolling_sigma is the plain 3σ rule: 0.27 % of Gaussian points fall outside it, about 5 of these 1800.
        Assert.True(late <= (type == "rolling_sigma" ? 10 : 5), $"{type}: still {late} alerts more than {within} points after the shift");
    }
}
