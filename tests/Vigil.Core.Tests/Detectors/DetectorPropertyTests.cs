using FsCheck;
using FsCheck.Fluent;
using Vigil.Core.Detection;

namespace Vigil.Core.Tests.Detectors;

/// <summary>Invariants of every detector type on random series (random walks with spikes, steps and gaps).</summary>
public sealed class DetectorPropertyTests
{
    public static TheoryData<string> Types => Synthetic.AllTypes();

    private static readonly Gen<(int Seed, int Length, int Cut)> Cases =
        from seed in Gen.Choose(0, int.MaxValue - 1)
        from length in Gen.Choose(50, 1400)
        from cut in Gen.Choose(1, 49)
        select (seed, length, cut * length / 50);

    [Theory]
    [MemberData(nameof(Types))]
    public void Observe_AnySeries_ScoreNonNegativeAndBandContainsExpectation(string type) => EveryVerdict(type, (_, v) =>
        !(v.Score >= 0) ? "negative or NaN score"
        : v.Kind == VerdictKind.Scored && double.IsFinite(v.Expected) && !(v.Lower <= v.Expected && v.Expected <= v.Upper) ? "band misses the expectation"
        : null);

    [Theory]
    [MemberData(nameof(Types))]
    public void Observe_AnySeries_ScoreAboveOneLiesOutsideTheBand(string type) => EveryVerdict(type, (x, v) =>
        v.IsAnomaly && double.IsFinite(v.Upper) && v.Score < ScoreMath.MaxScore && x >= v.Lower && x <= v.Upper ? "alert inside the band" : null);

    [Theory]
    [MemberData(nameof(Types))]
    public void Observe_AnySeries_ValueClearlyOutsideTheBandScoresAboveOne(string type) => EveryVerdict(type, (x, v) =>
    {
        // The converse of the above: a chart of expected ± band never shows a point outside the band that did not alert
        // (ensembles included: their band is where their score would reach 1, not a fixed k·σ).
        var slack = 1e-9 * Math.Max(1, Math.Abs(x));
        return v.Kind == VerdictKind.Scored && (x < v.Lower - slack || x > v.Upper + slack) && !(v.Score > 1) ? "quiet point outside the band" : null;
    });

    [Theory]
    [MemberData(nameof(Types))]
    public void Observe_AppendingPoints_NeverChangesEarlierVerdicts(string type)
    {
        var detector = Synthetic.Create(type);
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var values = RandomSeries(c.Seed, c.Length);
            var prefix = Synthetic.Run(detector, values[..c.Cut]);
            var full = Synthetic.Run(detector, values);
            return prefix.AsSpan().SequenceEqual(full.AsSpan(0, c.Cut));
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void WriteStateReadState_MidSeries_ContinuesWithIdenticalVerdicts(string type)
    {
        var detector = Synthetic.Create(type);
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var values = RandomSeries(c.Seed, c.Length);
            var original = detector.CreateSeries();
            Synthetic.Run(original, values[..c.Cut]);

            using var buffer = new MemoryStream();
            using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                ((ISerializableSeriesDetector)original).WriteState(writer);
            }

            buffer.Position = 0;
            var restored = detector.CreateSeries();
            using (var reader = new BinaryReader(buffer))
            {
                ((ISerializableSeriesDetector)restored).ReadState(reader);
            }

            var expected = Synthetic.Run(original, values[c.Cut..], c.Cut);
            var actual = Synthetic.Run(restored, values[c.Cut..], c.Cut);
            return expected.AsSpan().SequenceEqual(actual);
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void ReadState_UnknownVersion_ThrowsInvalidData(string type)
    {
        var series = (ISerializableSeriesDetector)Synthetic.Create(type).CreateSeries();
        using var reader = new BinaryReader(new MemoryStream([99, 0, 0, 0]));

        Assert.Throws<InvalidDataException>(() => series.ReadState(reader));
    }

    /// <summary>Runs <paramref name="type"/> over random series; <paramref name="violation"/> names what is wrong with a (value, verdict), or is null.</summary>
    private static void EveryVerdict(string type, Func<double, Verdict, string?> violation)
    {
        var detector = Synthetic.Create(type);
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var values = RandomSeries(c.Seed, c.Length);
            var verdicts = Synthetic.Run(detector, values);
            for (var i = 0; i < values.Length; i++)
            {
                if (violation(values[i], verdicts[i]) is { } why)
                {
                    throw new InvalidOperationException($"{type}, seed {c.Seed}, point {i}: {why} (value {values[i]}, verdict {verdicts[i]})");
                }
            }
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>A random walk with occasional spikes, level steps, NaN and ±Inf; sometimes quantised, sometimes flat.</summary>
    internal static double[] RandomSeries(int seed, int length)
    {
        var random = new Random(seed);
        var values = new double[length];
        var level = random.NextDouble() * 1000;
        var scale = Math.Pow(10, random.Next(-3, 4));
        var quantised = random.Next(4) == 0;
        var flat = random.Next(8) == 0;
        for (var i = 0; i < length; i++)
        {
            if (!flat)
            {
                level += (random.NextDouble() - 0.5) * scale;
            }

            var value = level;
            var roll = random.Next(200);
            if (roll == 0)
            {
                value += scale * 50 * (random.Next(2) == 0 ? -1 : 1);
            }
            else if (roll == 1)
            {
                level += scale * 20;
            }
            else if (roll == 2)
            {
                value = double.NaN;
            }
            else if (roll == 3)
            {
                value = random.Next(2) == 0 ? double.PositiveInfinity : double.NegativeInfinity;
            }

            values[i] = quantised && double.IsFinite(value) ? Math.Round(value) : value;
        }

        return values;
    }
}
