using System.Globalization;

namespace Vigil.Exposition;

/// <summary>
/// Formats sample values as the text format expects them: Go <c>ParseFloat</c> syntax, invariant,
/// shortest round-trip, with <c>NaN</c>, <c>+Inf</c> and <c>-Inf</c> spelled as the spec spells them.
/// See https://prometheus.io/docs/instrumenting/exposition_formats/#text-format-details.
/// </summary>
internal static class ValueFormatter
{
    /// <summary>Upper bound of one formatted value; the longest is "-2.2250738585072014e-308" (24 bytes).</summary>
    public const int MaxLength = 32;

    // Every integer up to 2^53 is exact in a double, so printing it as an integer loses nothing.
    private const double MaxExactInteger = 9007199254740992.0;

    public static int Format(double value, Span<byte> destination)
    {
        if (double.IsNaN(value))
        {
            "NaN"u8.CopyTo(destination);
            return 3;
        }

        if (double.IsInfinity(value))
        {
            (value > 0 ? "+Inf"u8 : "-Inf"u8).CopyTo(destination);
            return 4;
        }

        int written;
        if (Math.Abs(value) <= MaxExactInteger && value == Math.Truncate(value))
        {
            // Counters and most gauges hold whole numbers: long formatting is several times cheaper than
            // shortest-round-trip double formatting and never switches to an exponent (1e15 stays readable).
            if (value == 0 && double.IsNegative(value))
            {
                // Keep the sign so the written text parses back to the same bits.
                "-0"u8.CopyTo(destination);
                return 2;
            }

            ((long)value).TryFormat(destination, out written, default, CultureInfo.InvariantCulture);
            return written;
        }

        // Since .NET Core 3.0 "R" is the shortest string that round-trips to the same double.
        value.TryFormat(destination, out written, "R", CultureInfo.InvariantCulture);

        // .NET writes "1E-05"; Go clients (the reference implementation) write "1e-05". Both parse; match Go.
        var text = destination[..written];
        var e = text.IndexOf((byte)'E');
        if (e >= 0)
        {
            text[e] = (byte)'e';
        }

        return written;
    }
}
