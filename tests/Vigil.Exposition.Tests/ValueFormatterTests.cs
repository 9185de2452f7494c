using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Vigil.Exposition.Tests;

public sealed class ValueFormatterTests
{
    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(0.0, "0")]
    [InlineData(-0.0, "-0")]
    [InlineData(3.0, "3")]
    [InlineData(-42.0, "-42")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(1.5, "1.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(0.005, "0.005")]
    [InlineData(123456789012.0, "123456789012")]
    [InlineData(1e15, "1000000000000000")]
    [InlineData(9007199254740992.0, "9007199254740992")]
    [InlineData(1e21, "1e+21")]
    [InlineData(double.MaxValue, "1.7976931348623157e+308")]
    [InlineData(double.MinValue, "-1.7976931348623157e+308")]
    [InlineData(double.Epsilon, "5e-324")]
    [InlineData(-2.2250738585072014e-308, "-2.2250738585072014e-308")]
    public void Format_KnownValue_WritesSpecText(double value, string expected)
    {
        Assert.Equal(expected, Format(value));
    }

    [Fact]
    public void Format_AnyFiniteDouble_ParsesBackToSameBits()
    {
        // Raw 64-bit patterns reach every exponent and subnormals; the default generator adds "nice" numbers.
        var fromBits = Gen.Two(Gen.Choose(int.MinValue, int.MaxValue))
            .Select(t => BitConverter.Int64BitsToDouble(((long)t.Item1 << 32) | (uint)t.Item2));
        var doubles = Gen.OneOf(fromBits, ArbMap.Default.GeneratorFor<double>())
            .Where(double.IsFinite)
            .ToArbitrary();

        Prop.ForAll(doubles, value =>
        {
            var text = Format(value);
            var parsed = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            return BitConverter.DoubleToInt64Bits(parsed) == BitConverter.DoubleToInt64Bits(value)
                && !text.Contains('E', StringComparison.Ordinal);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Format_LongestValue_FitsMaxLength()
    {
        foreach (var value in new[] { -2.2250738585072014e-308, double.MinValue, -1.2345678901234567e-300, -9007199254740992.0 })
        {
            Assert.True(Format(value).Length <= ValueFormatter.MaxLength);
        }
    }

    private static string Format(double value)
    {
        Span<byte> buffer = stackalloc byte[ValueFormatter.MaxLength];
        var length = ValueFormatter.Format(value, buffer);
        return Encoding.UTF8.GetString(buffer[..length]);
    }
}
