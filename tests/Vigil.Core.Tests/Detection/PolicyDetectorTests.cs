using Vigil.Core.Detection;
using Vigil.Core.Tests.Detectors;

namespace Vigil.Core.Tests.Detection;

public sealed class PolicyDetectorTests
{
    private static IDetector CreateSut(params (string Key, string Value)[] policy)
        => Synthetic.Create("ewma", [("alpha", "0.05"), ("k", "3"), ("min_points", "10"), .. policy]);

    private static double[] NoiseThen(double last)
    {
        var values = Synthetic.Noise(200, 100, 1, seed: 11);
        values[^1] = last;
        return values;
    }

    [Theory]
    [InlineData("both", 130, true)]
    [InlineData("both", 70, true)]
    [InlineData("above", 130, true)]
    [InlineData("above", 70, false)]
    [InlineData("below", 130, false)]
    [InlineData("below", 70, true)]
    public void Observe_Direction_AlertsOnlyOnConfiguredSide(string direction, double last, bool alerts)
    {
        var verdicts = Synthetic.Run(CreateSut(("direction", direction)), NoiseThen(last));

        Assert.Equal(alerts, verdicts[^1].IsAnomaly);
    }

    [Fact]
    public void Observe_MinAbsDeviation_SuppressesSmallMovesAndWidensBand()
    {
        var verdicts = Synthetic.Run(CreateSut(("min_abs_deviation", "50")), NoiseThen(130));

        Assert.False(verdicts[^1].IsAnomaly);
        Assert.True(verdicts[^1].Upper >= verdicts[^1].Expected + 50);
        Assert.True(verdicts[^1].Lower <= verdicts[^1].Expected - 50);
    }

    [Fact]
    public void Observe_MinAbsDeviation_StillAlertsBeyondTheFloor()
    {
        var verdicts = Synthetic.Run(CreateSut(("min_abs_deviation", "5")), NoiseThen(130));

        Assert.True(verdicts[^1].IsAnomaly);
    }

    [Fact]
    public void Observe_MinRelDeviation_ScalesWithExpectation()
    {
        // 30% above 100 is inside a 50% relative floor, outside a 10% one.
        Assert.False(Synthetic.Run(CreateSut(("min_rel_deviation", "0.5")), NoiseThen(130))[^1].IsAnomaly);
        Assert.True(Synthetic.Run(CreateSut(("min_rel_deviation", "0.1")), NoiseThen(130))[^1].IsAnomaly);
    }

    [Fact]
    public void Observe_OutsideDataRange_GetsFixedScoreAndNeverPoisonsState()
    {
        var sut = CreateSut(("data_range", "0..1000"), ("out_of_range_score", "3"));
        var clean = Synthetic.Noise(200, 100, 1, seed: 12);
        var poisoned = clean.ToList();
        poisoned.InsertRange(100, [1e9, -5, 1e12]);

        var cleanVerdicts = Synthetic.Run(sut, clean);
        var series = sut.CreateSeries();
        var poisonedVerdicts = poisoned.Select((v, i) => series.Observe(Synthetic.Time(i), v)).ToArray();

        Assert.All(poisonedVerdicts.Skip(100).Take(3), v => Assert.Equal(3, v.Score));
        Assert.Equal(cleanVerdicts.Skip(100).Select(v => v.Score), poisonedVerdicts.Skip(103).Select(v => v.Score));
    }

    [Fact]
    public void Observe_Warmup_ScoresZeroForTheFirstPoints()
    {
        var values = Synthetic.Noise(100, 100, 1, seed: 13);
        values[40] = 200;
        values[90] = 200;

        var verdicts = Synthetic.Run(CreateSut(("warmup", "50")), values);

        Assert.All(verdicts.Take(50), v => Assert.Equal(0, v.Score));
        Assert.All(verdicts.Take(50), v => Assert.Equal(VerdictKind.Warmup, v.Kind));
        Assert.True(verdicts[90].IsAnomaly);
    }

    [Fact]
    public void Observe_NaN_IsInvalidAndDoesNotCountTowardsWarmup()
    {
        var sut = CreateSut(("warmup", "3")).CreateSeries();

        Assert.Equal(VerdictKind.Invalid, sut.Observe(0, double.NaN).Kind);
        Assert.Equal(VerdictKind.Warmup, sut.Observe(1, 1.0).Kind);
    }

    [Fact]
    public void Create_NoPolicyParameters_ReturnsTheBareDetector()
    {
        Assert.IsNotType<PolicyDetector>(Synthetic.Create("ewma"));
        Assert.IsType<PolicyDetector>(Synthetic.Create("ewma", ("direction", "above")));
    }

    [Theory]
    [InlineData("direction", "sideways", "direction:")]
    [InlineData("data_range", "10..1", "data_range:")]
    [InlineData("data_range", "abc", "data_range:")]
    [InlineData("min_abs_deviation", "-1", "min_abs_deviation:")]
    [InlineData("warmup", "x", "warmup:")]
    public void Validate_BadPolicyValue_NamesTheParameter(string key, string value, string expected)
    {
        foreach (var type in DetectorRegistry.CreateDefault().Types)
        {
            var errors = DetectorRegistry.CreateDefault().Validate(new DetectorSpec(type, new Dictionary<string, string> { [key] = value }));
            Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void WriteStateReadState_PolicyWrappedDetector_RoundTrips()
    {
        var sut = CreateSut(("warmup", "20"), ("direction", "above"));
        var values = Synthetic.Noise(300, 100, 1, seed: 14);
        var original = sut.CreateSeries();
        Synthetic.Run(original, values[..150]);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            ((ISerializableSeriesDetector)original).WriteState(writer);
        }

        buffer.Position = 0;
        var restored = sut.CreateSeries();
        using (var reader = new BinaryReader(buffer))
        {
            ((ISerializableSeriesDetector)restored).ReadState(reader);
        }

        Assert.Equal(Synthetic.Run(original, values[150..], 150), Synthetic.Run(restored, values[150..], 150));
    }
}
