using System.Globalization;
using System.Text;

namespace Vigil.Prometheus;

/// <summary>
/// Parses the number encodings of the Prometheus HTTP API straight from UTF-8, without allocating:
/// sample values are JSON strings ("1.5", "1e-05", "NaN", "+Inf"), timestamps are JSON numbers of float
/// seconds with at most millisecond precision ("1435781451.781").
/// </summary>
internal static class PrometheusNumbers
{
    // Exact powers of ten: every 10^k with k <= 22 is representable, so mantissa / 10^k is correctly rounded
    // when the mantissa is exact too (< 2^53), which gives the same double as a full parse (Clinger's fast path).
    private static readonly double[] ExactPowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    private const ulong MaxExactMantissa = 1UL << 53;

    /// <summary>Parses a sample value; NaN and ±Inf are kept as such (Go spellings "+Inf", "-Inf", "Inf", "NaN").</summary>
    public static bool TryParseValue(ReadOnlySpan<byte> text, out double value)
    {
        var i = 0;
        var negative = false;
        if (text.Length > 0 && (text[0] == (byte)'-' || text[0] == (byte)'+'))
        {
            negative = text[0] == (byte)'-';
            i = 1;
        }

        ulong mantissa = 0;
        var digits = 0;
        var fractionDigits = 0;
        var seenDot = false;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            var d = (uint)(c - '0');
            if (d <= 9)
            {
                // 19 decimal digits always fit in a ulong; exactness as a double is checked below.
                if (digits == 19)
                {
                    return TryParseSlow(text, out value);
                }

                mantissa = (mantissa * 10) + d;
                digits++;
                if (seenDot)
                {
                    fractionDigits++;
                }
            }
            else if (c == (byte)'.' && !seenDot)
            {
                seenDot = true;
            }
            else
            {
                return TryParseSlow(text, out value);
            }
        }

        // Beyond 2^53 the mantissa is not exact as a double, and the quotient would not be correctly rounded.
        if (digits == 0 || mantissa > MaxExactMantissa)
        {
            return TryParseSlow(text, out value);
        }

        value = mantissa;
        if (fractionDigits > 0)
        {
            value /= ExactPowersOfTen[fractionDigits];
        }

        if (negative)
        {
            value = -value;
        }

        return true;
    }

    /// <summary>Parses float seconds into Unix milliseconds, rounding anything finer than a millisecond.</summary>
    public static bool TryParseTimestampMs(ReadOnlySpan<byte> text, out long milliseconds)
    {
        // Fast path for Prometheus' own encoding: [-]seconds[.d[d[d]]] (web/api/v1 marshalTimestamp).
        var i = 0;
        var negative = false;
        if (text.Length > 0 && text[0] == (byte)'-')
        {
            negative = true;
            i = 1;
        }

        long seconds = 0;
        var start = i;
        for (; i < text.Length; i++)
        {
            var d = (uint)(text[i] - '0');
            if (d > 9)
            {
                break;
            }

            seconds = (seconds * 10) + d;
        }

        var integerDigits = i - start;
        if (integerDigits is > 0 and <= 12)
        {
            long fraction = 0;
            var scale = 100;
            var ok = true;
            if (i < text.Length && text[i] == (byte)'.')
            {
                i++;
                var fractionStart = i;
                for (; i < text.Length && scale > 0; i++)
                {
                    var d = (uint)(text[i] - '0');
                    if (d > 9)
                    {
                        break;
                    }

                    fraction += d * scale;
                    scale /= 10;
                }

                ok = i > fractionStart;
            }

            if (ok && i == text.Length)
            {
                var ms = (seconds * 1000) + fraction;
                milliseconds = negative ? -ms : ms;
                return true;
            }
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var secondsValue)
            || !double.IsFinite(secondsValue)
            || Math.Abs(secondsValue) > 9.2e15)
        {
            milliseconds = 0;
            return false;
        }

        milliseconds = (long)Math.Round(secondsValue * 1000, MidpointRounding.AwayFromZero);
        return true;
    }

    private static bool TryParseSlow(ReadOnlySpan<byte> text, out double value)
    {
        var unsigned = text;
        var negative = false;
        if (unsigned.Length > 0 && (unsigned[0] == (byte)'-' || unsigned[0] == (byte)'+'))
        {
            negative = unsigned[0] == (byte)'-';
            unsigned = unsigned[1..];
        }

        // Go's strconv.ParseFloat spellings; .NET's invariant culture would want "Infinity".
        if (Ascii.EqualsIgnoreCase(unsigned, "inf"u8) || Ascii.EqualsIgnoreCase(unsigned, "infinity"u8))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (Ascii.EqualsIgnoreCase(unsigned, "nan"u8))
        {
            value = double.NaN;
            return true;
        }

        // Reject what Go rejects but .NET's NumberStyles.Float would accept (surrounding white space).
        if (text.IsEmpty || IsWhiteSpace(text[0]) || IsWhiteSpace(text[^1]))
        {
            value = 0;
            return false;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static bool IsWhiteSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';
}
