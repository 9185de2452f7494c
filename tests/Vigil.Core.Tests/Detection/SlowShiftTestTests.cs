using Vigil.Core.Detection;
using Vigil.Core.Tests.Detectors;

namespace Vigil.Core.Tests.Detection;

/// <summary>
/// The slow shift test of the detection contract (issue 10, opt-in through <c>slow_shift_threshold</c>): a CUSUM with a
/// small slack against a slow reference, for shifts of about 1σ per point that the fast forecast follows before the
/// fast shift test can flag them. Every series is seeded; failures print the seed.
/// </summary>
public sealed class SlowShiftTestTests
{
    private const int DropFrom = 2000;
    private const int DropTo = 2180;

    private static IDetector CreateSut(string threshold = "16")
        => Synthetic.Create("auto", (ContractOptions.SlowShiftThresholdKey, threshold));

    /// <summary>A Poisson count of 20 a minute; from <paramref name="from"/> to <paramref name="to"/> 30 % lower (14).</summary>
    private static double[] Counts(int n, int from, int to, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = Poisson(random, i >= from && i < to ? 14 : 20);
        }

        return values;
    }

    private static double Poisson(Random random, double lambda)
    {
        // Knuth's method: fine for the small means of these tests.
        var limit = Math.Exp(-lambda);
        var k = 0;
        var p = 1.0;
        do
        {
            k++;
            p *= random.NextDouble();
        }
        while (p > limit);
        return k - 1;
    }

    private static List<int> Onsets(Verdict[] verdicts)
    {
        var episodes = new EpisodeTracker(EpisodeTracker.DefaultQuietPoints);
        var onsets = new List<int>();
        for (var i = 0; i < verdicts.Length; i++)
        {
            if (episodes.Observe(i, 0, verdicts[i]) == EpisodeTransition.Onset)
            {
                onsets.Add(i);
            }
        }

        return onsets;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Observe_PoissonCountDropsThirtyPercent_FlaggedWithinFortyFiveMinutesAndHeld(int seed)
    {
        var verdicts = Synthetic.Run(CreateSut(), Counts(DropTo + 300, DropFrom, DropTo, seed));

        // "Sign-ups dropped 30 % overnight": about 1.3σ a point, no single point extreme.
        var first = Array.FindIndex(verdicts, DropFrom, DropTo - DropFrom, v => v.IsAnomaly);
        Assert.True(first >= DropFrom && first < DropFrom + 45, $"seed {seed}: first anomaly of the drop at {first - DropFrom} min");
        // Held: from the alarm to the end of the three-hour drop, most points score above 1 (those that happen to fall
        // near the old level do not), the expectation stays at the old level, and it is one episode.
        var held = verdicts.Skip(first).Take(DropTo - first).Count(v => v.IsAnomaly);
        Assert.True(held >= 0.6 * (DropTo - first), $"seed {seed}: {held} of {DropTo - first} drop points from the alarm above 1");
        Assert.InRange(verdicts[DropTo - 1].Expected, 17, 23);
        var onsets = Onsets(verdicts).Where(i => i >= DropFrom - 10).ToList();
        Assert.True(onsets.Count == 1, $"seed {seed}: onsets at {string.Join(", ", onsets)} (drop {DropFrom}–{DropTo})");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_ReturnToNormalAfterDrop_IsQuiet(int seed)
    {
        var verdicts = Synthetic.Run(CreateSut(), Counts(DropTo + 300, DropFrom, DropTo, seed));

        // The first points back at 20 are inside the band, and nothing after the drop opens a new episode.
        var afterwards = Onsets(verdicts).Where(i => i >= DropTo).ToList();
        Assert.True(afterwards.Count == 0, $"seed {seed}: onsets after the drop at {string.Join(", ", afterwards)}");
        Assert.False(verdicts[DropTo + 299].IsAnomaly, $"seed {seed}: still anomalous 5 h after the return");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_CleanPoissonCountForThreeDays_RaisesNoOnset(int seed)
    {
        var verdicts = Synthetic.Run(CreateSut(), Counts(3 * 1440, int.MaxValue, int.MaxValue, seed));

        var onsets = Onsets(verdicts);
        Assert.True(onsets.Count == 0, $"seed {seed}: onsets at {string.Join(", ", onsets)}");
    }

    [Fact]
    public void Observe_DefaultAuto_IsTheSlowShiftTestOff()
    {
        // Opt-in: the default verdicts are those with the test off, bit for bit.
        var values = Counts(DropTo + 300, DropFrom, DropTo, seed: 7);
        var byDefault = Synthetic.Run(Synthetic.Create("auto"), values);
        var off = Synthetic.Run(CreateSut("0"), values);

        Assert.Equal(off, byDefault);
    }

    [Fact]
    public void Observe_WithoutTheSlowTest_DropIsNotHeld()
    {
        // What the test is for: with it off, the fast forecast follows the drop and its points score at most 1.
        var verdicts = Synthetic.Run(CreateSut("0"), Counts(DropTo + 300, DropFrom, DropTo, seed: 1));

        var held = verdicts.Skip(DropFrom + 45).Take(DropTo - DropFrom - 45).Count(v => v.IsAnomaly);
        Assert.True(held < 0.5 * (DropTo - DropFrom - 45), $"{held} points above 1 without the slow test");
    }

    [Theory]
    [MemberData(nameof(ContractTests.Types), MemberType = typeof(ContractTests))]
    public void ReadState_VersionEightBeforeTheSlowShiftTest_IsRejectedClearly(string type)
    {
        var series = (ISerializableSeriesDetector)Synthetic.Create(type).CreateSeries();
        using var reader = new BinaryReader(new MemoryStream([8, 0, 0, 0, 0, 0, 0, 0, 0]));

        var ex = Assert.Throws<InvalidDataException>(() => series.ReadState(reader));

        Assert.Contains("predates the slow shift test", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteState_MidDrop_RestoredSeriesScoresIdentically()
    {
        var detector = CreateSut();
        var values = Counts(DropTo + 300, DropFrom, DropTo, seed: 11);
        var a = (ISerializableSeriesDetector)detector.CreateSeries();
        Synthetic.Run(a, values[..(DropFrom + 40)]);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            a.WriteState(writer);
        }

        buffer.Position = 0;
        var b = (ISerializableSeriesDetector)detector.CreateSeries();
        using (var reader = new BinaryReader(buffer))
        {
            b.ReadState(reader);
        }

        var rest = values[(DropFrom + 40)..];
        Assert.Equal(Synthetic.Run(a, rest, DropFrom + 40), Synthetic.Run(b, rest, DropFrom + 40));
    }

    [Fact]
    public void Validate_SlowShiftParameters_AreRangeChecked()
    {
        var errors = DetectorRegistry.CreateDefault().Validate(new DetectorSpec("auto", new Dictionary<string, string> { [ContractOptions.SlowShiftSlackKey] = "0" }));

        Assert.Contains(errors, e => e.Contains(ContractOptions.SlowShiftSlackKey, StringComparison.Ordinal));
    }
}
