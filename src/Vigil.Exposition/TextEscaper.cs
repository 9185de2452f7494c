using System.Buffers;
using System.Text;

namespace Vigil.Exposition;

/// <summary>
/// UTF-8 encoding with the two escape sets of the text format: label values escape backslash, double quote
/// and line feed; HELP text escapes only backslash and line feed.
/// </summary>
internal static class TextEscaper
{
    /// <summary>Worst case bytes per UTF-16 char: a BMP char is at most 3 UTF-8 bytes, an escape is 2.</summary>
    public const int MaxBytesPerChar = 3;

    public static readonly SearchValues<char> LabelValueSpecials = SearchValues.Create("\\\"\n");
    public static readonly SearchValues<char> HelpSpecials = SearchValues.Create("\\\n");

    /// <summary>
    /// Writes <paramref name="text"/> escaped; <paramref name="destination"/> must hold
    /// <see cref="MaxBytesPerChar"/> bytes per char. Unpaired surrogates become U+FFFD (UTF-8 cannot carry them).
    /// </summary>
    public static int Write(ReadOnlySpan<char> text, SearchValues<char> specials, Span<byte> destination)
    {
        var written = 0;
        while (true)
        {
            // The specials are ASCII, so cutting at them never splits a surrogate pair.
            var next = text.IndexOfAny(specials);
            var plain = next < 0 ? text : text[..next];
            written += Encoding.UTF8.GetBytes(plain, destination[written..]);
            if (next < 0)
            {
                return written;
            }

            destination[written++] = (byte)'\\';
            destination[written++] = text[next] == '\n' ? (byte)'n' : (byte)text[next];
            text = text[(next + 1)..];
        }
    }

    /// <summary>Exact byte count of <see cref="Write"/>'s output, for sizing an exact array.</summary>
    public static int Count(ReadOnlySpan<char> text, SearchValues<char> specials)
    {
        var count = Encoding.UTF8.GetByteCount(text);
        var next = text.IndexOfAny(specials);
        while (next >= 0)
        {
            count++;
            text = text[(next + 1)..];
            next = text.IndexOfAny(specials);
        }

        return count;
    }
}
