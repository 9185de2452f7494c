using Vigil.Core.Detectors.Auto;

namespace Vigil.Core.Tests.Detectors.Auto;

/// <summary>
/// The season-detection buffer's storage (issue 15): 3 bytes a value while the values lie within 2^24 floats of each
/// other, plain floats otherwise; every value comes back bit for bit whichever form holds it, as a plain float array
/// given the same writes would.
/// </summary>
public sealed class PackedFloatsTests
{
    // The slots written so far (auto reads no other).
    private static void AssertSame(float[] model, int count, PackedFloats packed, string context)
    {
        Assert.True(model.Length == packed.Length, $"{context}: length {packed.Length}, expected {model.Length}");
        for (var i = 0; i < count; i++)
        {
            Assert.True(
                BitConverter.SingleToInt32Bits(model[i]) == BitConverter.SingleToInt32Bits(packed[i]),
                $"{context}: slot {i} holds {packed[i]}, expected {model[i]}");
        }
    }

    // Appends as auto's buffer does: grows 16, 32, … to `length` by Resize, writes each value at the next slot.
    private static (float[] Model, PackedFloats Packed) Append(IEnumerable<float> values, int length = 600)
    {
        var model = Array.Empty<float>();
        var packed = PackedFloats.Empty;
        var count = 0;
        foreach (var value in values)
        {
            if (count == packed.Length)
            {
                var next = Math.Min(length, Math.Max(16, 2 * packed.Length));
                packed = packed.Resize(count, next);
                Array.Resize(ref model, next);
            }

            packed[count] = value;
            model[count++] = value;
            AssertSame(model, count, packed, $"after {count} values");
        }

        return (model, packed);
    }

    [Fact]
    public void Append_GaugeBetween80And124_IsPackedAndExact()
    {
        // The scale benchmark's gauge: a daily sine of ±20 around 100 plus noise, three decimals, as floats.
        var random = new Random(3);
        var (_, packed) = Append(Enumerable.Range(0, 600).Select(i => (float)Math.Round(100 + (20 * Math.Sin(i / 90.0)) + (random.Next(1000) / 250.0), 3)));
        Assert.True(packed.IsPacked);
    }

    [Fact]
    public void Append_ValuesLeavingTheFirstValuesRange_MovesTheBaseAndStaysExact()
    {
        // Starts at 1000, then climbs by a factor of 3.9 (within 2^24 floats of the lowest value): the base moves up.
        var (_, packed) = Append(Enumerable.Range(0, 600).Select(i => 1000f * (1 + (2.9f * i / 599))));
        Assert.True(packed.IsPacked);
        // Falls below it as well: the base moves down.
        var (_, down) = Append(Enumerable.Range(0, 600).Select(i => 100f / (1 + (2.9f * i / 599))));
        Assert.True(down.IsPacked);
    }

    [Fact]
    public void Append_ValuesSpanningMoreThan2To24Floats_FallsBackToFloatsAndStaysExact()
    {
        // A value near zero beside values near 100 (2^24 floats are a factor of 4 within one sign), −0 beside 0, signs
        // mixed: all fall back to plain floats at the write that needs it, and a reallocation packs again if it can.
        float[][] cases =
        [
            [.. Enumerable.Range(0, 40).Select(i => 100f + i), 1e-3f, .. Enumerable.Range(0, 20).Select(i => 100f + i)],
            [0f, -0f, 1f, -1f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, float.NaN, float.PositiveInfinity],
            [.. Enumerable.Range(0, 300).Select(i => (float)Math.Sin(i))],
        ];
        foreach (var values in cases)
        {
            var (_, packed) = Append(values);
            Assert.False(packed.IsPacked);
        }
    }

    [Fact]
    public void Append_RandomWalksOfEveryScale_MatchAPlainArray()
    {
        for (var seed = 0; seed < 30; seed++)
        {
            var random = new Random(seed);
            var level = Math.Pow(10, random.Next(-3, 7)) * (random.Next(2) == 0 ? -1 : 1);
            var step = Math.Abs(level) * random.NextDouble() * 0.05;
            var value = level;
            Append(Enumerable.Range(0, 600).Select(_ => (float)(value += step * (random.NextDouble() - 0.5))));
        }
    }

    [Fact]
    public void Of_WrittenValues_ReadsThemBackPackedWhereTheyFit()
    {
        float[] values = [.. Enumerable.Range(0, 300).Select(i => 50f + (i * 0.1f))];
        var packed = PackedFloats.Of(values, 600);
        Assert.True(packed.IsPacked);
        Assert.Equal(600, packed.Length);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(values[i], packed[i]);
        }
    }
}
