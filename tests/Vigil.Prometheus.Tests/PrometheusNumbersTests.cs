using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Vigil.Prometheus.Tests;

public sealed class PrometheusNumbersTests
{
    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData("1e-05", 1e-05)]
    [InlineData("1E+10", 1e10)]
    [InlineData("0.00001", 0.00001)]
    [InlineData("-4.25", -4.25)]
    [InlineData("+7", 7)]
    [InlineData("0", 0)]
    [InlineData("123456789012345678901234567890", 123456789012345678901234567890d)]
    [InlineData("0.1", 0.1)]
    [InlineData("1.7976931348623157e308", double.MaxValue)]
    [InlineData("9007199254740993", 9007199254740992d)]
    [InlineData("90071992547409.93", 90071992547409.93)]
    [InlineData("37.45401188473625", 37.45401188473625)]
    [InlineData("0.1234567890123456789", 0.1234567890123456789)]
    [InlineData("+Inf", double.PositiveInfinity)]
    [InlineData("Inf", double.PositiveInfinity)]
    [InlineData("-Inf", double.NegativeInfinity)]
    [InlineData("inf", double.PositiveInfinity)]
    [InlineData("Infinity", double.PositiveInfinity)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    public void TryParseValue_PrometheusEncodings_ParsesInvariantly(string text, double expected)
    {
        Assert.True(PrometheusNumbers.TryParseValue(Encoding.UTF8.GetBytes(text), out var value));

        Assert.Equal(expected, value);
    }

    [Fact]
    public void TryParseValue_NaN_IsNaNNotZero()
    {
        Assert.True(PrometheusNumbers.TryParseValue("NaN"u8, out var value));

        Assert.True(double.IsNaN(value));
    }

    [Fact]
    public void TryParseValue_NegativeZero_KeepsSign()
    {
        Assert.True(PrometheusNumbers.TryParseValue("-0"u8, out var value));

        Assert.True(double.IsNegative(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1,5")]
    [InlineData(" 1")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("1.2.3")]
    [InlineData("0x10")]
    public void TryParseValue_Garbage_Fails(string text)
    {
        Assert.False(PrometheusNumbers.TryParseValue(Encoding.UTF8.GetBytes(text), out _));
    }

    [Fact]
    public void TryParseValue_AnyDoubleInRoundTripForm_GivesTheSameDouble()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<double>(), value =>
        {
            var text = value.ToString("R", CultureInfo.InvariantCulture);
            return PrometheusNumbers.TryParseValue(Encoding.UTF8.GetBytes(text), out var parsed)
                && (double.IsNaN(value) ? double.IsNaN(parsed) : BitConverter.DoubleToInt64Bits(parsed) == BitConverter.DoubleToInt64Bits(value));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void TryParseValue_ShortDecimals_MatchDoubleParse()
    {
        // The fast path divides an exact mantissa by an exact power of ten; it must agree with a full parse.
        var gen = from mantissa in Gen.Choose(0, int.MaxValue)
                  from scale in Gen.Choose(0, 9)
                  select mantissa.ToString(CultureInfo.InvariantCulture).Insert(Math.Max(0, mantissa.ToString(CultureInfo.InvariantCulture).Length - scale), ".");
        Prop.ForAll(gen.ToArbitrary(), text =>
            PrometheusNumbers.TryParseValue(Encoding.ASCII.GetBytes(text), out var parsed)
            && parsed == double.Parse(text, CultureInfo.InvariantCulture)).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("1435781451.781", 1435781451781L)]
    [InlineData("1435781451.78", 1435781451780L)]
    [InlineData("1435781451.7", 1435781451700L)]
    [InlineData("1435781451.500", 1435781451500L)]
    [InlineData("1435781451", 1435781451000L)]
    [InlineData("0", 0L)]
    [InlineData("-1.5", -1500L)]
    [InlineData("1435781451.7815", 1435781451782L)]
    [InlineData("1.435781451781e9", 1435781451781L)]
    [InlineData("1.4357814517815E+09", 1435781451782L)]
    public void TryParseTimestampMs_FloatSeconds_GivesRoundedMilliseconds(string text, long expected)
    {
        Assert.True(PrometheusNumbers.TryParseTimestampMs(Encoding.UTF8.GetBytes(text), out var ms));

        Assert.Equal(expected, ms);
    }

    [Theory]
    [InlineData("")]
    [InlineData("NaN")]
    [InlineData("1e300")]
    [InlineData("abc")]
    public void TryParseTimestampMs_Invalid_Fails(string text)
    {
        Assert.False(PrometheusNumbers.TryParseTimestampMs(Encoding.UTF8.GetBytes(text), out _));
    }
}
