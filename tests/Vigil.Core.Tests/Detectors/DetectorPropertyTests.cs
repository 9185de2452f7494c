using Vigil.Core.Detection;

namespace Vigil.Core.Tests.Detectors;

/// <summary>
/// Invariants of every detector type on random series (random walks with spikes, steps and gaps). The cases are drawn
/// from one fixed seed, so every run checks the same 120 series and a failure names the series seed to replay.
/// </summary>
public sealed class DetectorPropertyTests
{
    private const int CaseSeed = 20_240_601;

    public static TheoryData<string> Types => Synthetic.AllTypes();

    private static readonly (int Seed, int Length, int Cut)[] Cases = MakeCases();

    private static (int Seed, int Length, int Cut)[] MakeCases()
    {
        var random = new Random(CaseSeed);
        return [.. Enumerable.Range(0, 120).Select(_ =>
        {
            var length = random.Next(50, 1401);
            return (random.Next(0, int.MaxValue), length, random.Next(1, 50) * length / 50);
        })];
    }

    private static void ForAll(string type, Func<(int Seed, int Length, int Cut), bool> property)
    {
        foreach (var c in Cases)
        {
            Assert.True(property(c), $"{type}: property fails for series seed {c.Seed}, length {c.Length}, cut {c.Cut} (cases from seed {CaseSeed})");
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Observe_AnySeries_ScoreNonNegativeAndBandContainsExpectation(string type) => EveryVerdict(type, (_, v) =>
        !(v.Score >= 0) ? "negative or NaN score"
        : v.Kind == VerdictKind.Scored && double.IsFinite(v.Expected) && !(v.Lower <= v.Expected && v.Expected <= v.Upper) ? "band misses the expectation"
        : null);

    [Theory]
    [MemberData(nameof(Types))]
    public void Observe_AnySeries_ScoreAboveOneLiesOutsideTheBand(string type) => EveryVerdict(type, (x, v) =>
        v.IsAnomaly && x >= v.Lower && x <= v.Upper ? "alert inside the band (or on its edge)" : null);

    [Theory]
    [MemberData(nameof(Types))]
    public void Observe_AnySeries_BandNeverEqualsTheValueItJudges(string type) => EveryVerdict(type, (x, v) =>
        v.IsAnomaly && (x == v.Upper || x == v.Lower) ? "band edge equals the anomalous value" : null);

    [Theory]
    [MemberData(nameof(Types))]
    public void Observe_AnySeries_ValueClearlyOutsideTheBandScoresAboveOne(string type) => EveryVerdict(type, (x, v) =>
    {
        // The converse, exactly (no slack): a chart of expected ± band never shows a point outside the band that did not alert.
        return v.Kind == VerdictKind.Scored && (x < v.Lower || x > v.Upper) && !(v.Score > 1) ? "quiet point outside the band" : null;
    });

    [Theory]
    [MemberData(nameof(Types))]
    public void Observe_AppendingPoints_NeverChangesEarlierVerdicts(string type)
    {
        var detector = Synthetic.Create(type);
        ForAll(type, c =>
        {
            var values = RandomSeries(c.Seed, c.Length);
            var prefix = Synthetic.Run(detector, values[..c.Cut]);
            var full = Synthetic.Run(detector, values);
            return prefix.AsSpan().SequenceEqual(full.AsSpan(0, c.Cut));
        });
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void WriteStateReadState_MidSeries_ContinuesWithIdenticalVerdicts(string type)
    {
        var detector = Synthetic.Create(type);
        ForAll(type, c =>
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
        });
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
        foreach (var c in Cases)
        {
            var values = RandomSeries(c.Seed, c.Length);
            var verdicts = Synthetic.Run(detector, values);
            for (var i = 0; i < values.Length; i++)
            {
                if (violation(values[i], verdicts[i]) is { } why)
                {
                    Assert.Fail($"{type}, series seed {c.Seed} (cases from seed {CaseSeed}), point {i}: {why} (value {values[i]}, verdict {verdicts[i]})");
                }
            }
        }
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
