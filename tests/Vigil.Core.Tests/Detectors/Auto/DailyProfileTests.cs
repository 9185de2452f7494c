using Vigil.Core.Detection;

namespace Vigil.Core.Tests.Detectors.Auto;

/// <summary>
/// <c>auto</c>'s daily profile (on by default, <c>seasonal_profile</c>; docs/detectors.md item 10) on one-minute series: a day whose
/// peak is missing alerts throughout, a routine peak does not, and a series without a strong daily shape is judged
/// exactly as without the profile.
/// </summary>
public sealed class DailyProfileTests
{
    private const long MinuteMs = 60_000;
    private const int Day = 1440;

    private static readonly (string, string)[] On = [("seasonal_profile", "1")];

    private static readonly (string, string)[] Off = [("seasonal_profile", "0")];

    [Fact]
    public void Observe_MissingDailyPeakAtOneMinuteSteps_AlertsThroughTheEightHoursAndNotOnTheReturn()
    {
        // A request rate: 40 at night, 100 at the 14:00 peak, noise σ 2. On day 3 the peak stays at 15 % of its height
        // from 10:00 to 18:00 (a holiday, a broken upstream). adapt_after is longer than the incident: with the default
        // 3 h the contract makes it the new normal at 13:00, as it does any anomaly that lasts that long.
        var values = Synthetic.DailyRequestRate(days: 4, seed: 3, missingPeakDay: 3);

        var verdicts = Run(Create([.. On, ("adapt_after", "9h")]), values);

        var from = (3 * Day) + (10 * 60);
        var to = (3 * Day) + (18 * 60);
        var held = Synthetic.Count(verdicts, from, to, v => v.Score > 1);
        Assert.True(held >= 0.95 * (to - from), $"{held} of {to - from} points above 1");
        // The expectation is the peak that should be there, not the Holt level carried on from 10:00.
        Assert.InRange(verdicts[(3 * Day) + (14 * 60)].Expected, 90, 110);
        Assert.InRange(verdicts[(3 * Day) + (17 * 60) + 59].Expected, 70, 86);
        // The peak's return at 18:00 is what was expected: no alarm on the way back to normal.
        var recovery = Synthetic.Count(verdicts, to + 5, to + 120, v => v.Score > 1);
        Assert.True(recovery <= 2, $"{recovery} points above 1 after the peak came back");
    }

    [Fact]
    public void Observe_RoutineDailyPeak_DoesNotAlert()
    {
        var values = Synthetic.DailyRequestRate(days: 4, seed: 5, missingPeakDay: -1);

        var verdicts = Run(Create(On), values);

        // Days 2 and 3, the profile active: the peak it expects is the peak it sees.
        var anomalies = Synthetic.Count(verdicts, 2 * Day, 4 * Day, v => v.Score > 1);
        Assert.True(anomalies <= 3, $"{anomalies} points above 1 on two clean days");
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void Observe_WeaklySeasonalNoisySeries_GetsTheSameVerdictsAsWithoutTheProfile(int seed)
    {
        // A daily swing of a quarter σ under heavy-tailed noise and a wandering level: the profile explains nothing
        // the Holt forecast does not, so it never takes over and every verdict is today's, bit for bit.
        var random = new Random(seed);
        var values = new double[4 * Day];
        var level = 50.0;
        for (var i = 0; i < values.Length; i++)
        {
            level += 0.3 * Gaussian(random);
            var tail = random.NextDouble() < 0.01 ? 6 : 1;
            values[i] = level + Math.Sin(2 * Math.PI * i / Day) + (4 * tail * Gaussian(random));
        }

        var with = Run(Create(On), values);
        var without = Run(Create(Off), values);

        Assert.Equal(without, with);
    }

    [Fact]
    public void ReadState_ProfileActive_RestoresBitIdenticalVerdicts()
    {
        var values = Synthetic.DailyRequestRate(days: 4, seed: 7, missingPeakDay: 3);
        var detector = Create(On);
        var reference = Run(detector, values);
        var cut = (3 * Day) + (11 * 60);
        var first = (ISerializableSeriesDetector)detector.CreateSeries();
        for (var i = 0; i < cut; i++)
        {
            first.Observe(Time(i), values[i]);
        }

        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            first.WriteState(writer);
        }

        Assert.InRange(buffer.Length, 1, 8192);
        buffer.Position = 0;
        var restored = (ISerializableSeriesDetector)detector.CreateSeries();
        using (var reader = new BinaryReader(buffer))
        {
            restored.ReadState(reader);
        }

        for (var i = cut; i < values.Length; i++)
        {
            Assert.Equal(reference[i], restored.Observe(Time(i), values[i]));
        }
    }

    [Theory]
    [InlineData(500)]
    [InlineData(4 * Day)]
    public void WriteState_ProfileOnAtOneMinuteSteps_StaysUnderEightKilobytes(int points)
    {
        // In warm-up the season detection buffer (2.4 KB) and the profile (1.3 KB) coexist with the 4 KB of recent points.
        var series = (ISerializableSeriesDetector)Create(On).CreateSeries();
        var values = Synthetic.DailyRequestRate(days: 4, seed: 9, missingPeakDay: -1);
        for (var i = 0; i < points; i++)
        {
            series.Observe(Time(i), values[i]);
        }

        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            series.WriteState(writer);
        }

        Assert.InRange(buffer.Length, 1, 8192);
    }

    [Fact]
    public void ReadState_VersionSixBeforeTheProfile_IsRejectedClearly()
    {
        var series = (ISerializableSeriesDetector)Create(On).CreateSeries();
        using var reader = new BinaryReader(new MemoryStream([6, 0, 0, 0, 0, 0, 0, 0, 0]));

        var ex = Assert.Throws<InvalidDataException>(() => series.ReadState(reader));

        Assert.Contains("predates the seasonal-profile layout", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadState_StateWrittenWithoutTheProfile_IsRejectedClearly()
    {
        var without = (ISerializableSeriesDetector)Create(Off).CreateSeries();
        without.Observe(Time(0), 1);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            without.WriteState(writer);
        }

        buffer.Position = 0;
        var with = (ISerializableSeriesDetector)Create(On).CreateSeries();
        using var reader = new BinaryReader(buffer);

        var ex = Assert.Throws<InvalidDataException>(() => with.ReadState(reader));

        Assert.Contains("seasonal_profile", ex.Message, StringComparison.Ordinal);
    }

    private static IDetector Create(params (string, string)[] parameters) => Synthetic.Create("auto", parameters);

    private static long Time(int i) => Synthetic.StartMs + (i * MinuteMs);

    private static Verdict[] Run(IDetector detector, double[] values)
    {
        var series = detector.CreateSeries();
        var verdicts = new Verdict[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            verdicts[i] = series.Observe(Time(i), values[i]);
        }

        return verdicts;
    }

    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
