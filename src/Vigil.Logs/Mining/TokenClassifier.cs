namespace Vigil.Logs.Mining;

/// <summary>What a token was recognised as. <see cref="None"/> means the token is kept as literal text.</summary>
public enum MaskKind : byte
{
    None = 0,
    Url,
    Email,
    Path,
    Uuid,
    Ipv4,
    Ipv6,
    Hex,
    Number,
    Duration,
    Timestamp,
    PodHash,
    /// <summary>Any other token that holds a digit (ids such as <c>blk_-1608</c>, <c>node-246</c>, versions).</summary>
    DigitWord,
    /// <summary>The value of a <c>key=value</c> token that no other scanner claimed (<c>state=running</c>).</summary>
    KeyValue,
    /// <summary>Unprintable or invalid text (binary data, U+FFFD from invalid UTF-8).</summary>
    Garbage,
}

/// <summary>
/// Hand-written scanners that decide whether one whitespace-delimited token is a variable. One pass over the token's
/// characters, no regular expressions and no allocation: regex masking is what takes most of Drain3's CPU time.
/// </summary>
/// <remarks>
/// A token is split into prefix punctuation, a core and suffix punctuation (<c>(HWID=1973),</c> → <c>(</c>,
/// <c>HWID=1973</c>, <c>),</c>); only the core is classified, so the template keeps the punctuation
/// (<c>(HWID=&lt;*&gt;),</c>). A <c>key=value</c> core masks only the value.
/// </remarks>
internal static class TokenClassifier
{
    private const byte Digit = 1;
    private const byte HexLetter = 2;
    private const byte Letter = 4;
    private const byte Lead = 8;     // punctuation stripped before the core
    private const byte Trail = 16;   // punctuation stripped after the core
    private const byte Special = 32; // characters that make a non-digit token worth a closer look: / @ : \

    private static readonly byte[] Table = BuildTable();

    private static byte[] BuildTable()
    {
        var t = new byte[128];
        for (var c = '0'; c <= '9'; c++)
        {
            t[c] = Digit;
        }

        for (var c = 'a'; c <= 'z'; c++)
        {
            t[c] = Letter;
            t[c - 32] = Letter;
        }

        for (var c = 'a'; c <= 'f'; c++)
        {
            t[c] |= HexLetter;
            t[c - 32] |= HexLetter;
        }

        foreach (var c in "([{\"'<")
        {
            t[c] |= Lead;
        }

        foreach (var c in ")]}\"'>,;:.")
        {
            t[c] |= Trail;
        }

        foreach (var c in "/@:\\")
        {
            t[c] |= Special;
        }

        return t;
    }

    /// <summary>The core of a token: its span without leading and trailing punctuation.</summary>
    public static (int Start, int Length) Core(ReadOnlySpan<char> token)
    {
        var start = 0;
        var end = token.Length;
        while (start < end && token[start] < 128 && (Table[token[start]] & Lead) != 0)
        {
            start++;
        }

        while (end > start && token[end - 1] < 128 && (Table[token[end - 1]] & Trail) != 0)
        {
            end--;
        }

        // A closing bracket that closes one opened inside the core belongs to it: "LOCAL(0)," has core "LOCAL(0)".
        while (end < token.Length && token[end] is ')' or ']' or '}' && Opens(token[start..end], token[end]))
        {
            end++;
        }

        return (start, end - start);
    }

    private static bool Opens(ReadOnlySpan<char> core, char closing)
    {
        var opening = closing switch { ')' => '(', ']' => '[', _ => '{' };
        var depth = 0;
        foreach (var c in core)
        {
            if (c == opening)
            {
                depth++;
            }
            else if (c == closing)
            {
                depth--;
            }
        }

        return depth > 0;
    }

    /// <summary>
    /// Classifies a token core. <paramref name="valueStart"/> is where the masked part starts (after <c>key=</c>
    /// for a key=value core, else 0).
    /// </summary>
    public static MaskKind Classify(ReadOnlySpan<char> core, bool generaliseKeyValues, out int valueStart)
    {
        valueStart = 0;
        if (core.IsEmpty)
        {
            return MaskKind.None;
        }

        var flags = 0;
        var equals = -1;
        for (var i = 0; i < core.Length; i++)
        {
            var c = core[i];
            if (c >= 128)
            {
                if (c == '\uFFFD' || char.IsControl(c))
                {
                    return MaskKind.Garbage;
                }

                flags |= Letter;
                continue;
            }

            if (c < ' ' || c == 127)
            {
                return MaskKind.Garbage;
            }

            flags |= Table[c];
            if (c == '=' && equals < 0)
            {
                equals = i;
            }
        }

        if (generaliseKeyValues && equals > 0 && equals < core.Length - 1 && IsKey(core[..equals]))
        {
            valueStart = equals + 1;
            var value = ClassifyValue(core[valueStart..], flags);
            return value == MaskKind.None ? MaskKind.KeyValue : value;
        }

        if ((flags & (Digit | Special)) == 0)
        {
            // Letters only: the one variable shape without digits worth catching is a Kubernetes pod name.
            return (flags & Letter) != 0 && IsPodName(core) ? MaskKind.PodHash : MaskKind.None;
        }

        var kind = ClassifyValue(core, flags);
        return kind;
    }

    private static MaskKind ClassifyValue(ReadOnlySpan<char> v, int flags)
    {
        if ((flags & Special) != 0)
        {
            if (v.IndexOf("://".AsSpan()) > 0)
            {
                return MaskKind.Url;
            }

            if (IsEmail(v))
            {
                return MaskKind.Email;
            }

            if (IsPath(v))
            {
                return MaskKind.Path;
            }
        }

        if ((flags & Digit) == 0)
        {
            return IsPodName(v) ? MaskKind.PodHash : MaskKind.None;
        }

        if (IsUuid(v))
        {
            return MaskKind.Uuid;
        }

        if (IsIpv4(v))
        {
            return MaskKind.Ipv4;
        }

        if (IsIpv6(v))
        {
            return MaskKind.Ipv6;
        }

        if (IsHex(v))
        {
            return MaskKind.Hex;
        }

        var numberEnd = ScanNumber(v);
        if (numberEnd == v.Length)
        {
            return MaskKind.Number;
        }

        if (numberEnd > 0 && IsDurationUnits(v, numberEnd))
        {
            return MaskKind.Duration;
        }

        if (IsTimestamp(v))
        {
            return MaskKind.Timestamp;
        }

        return IsPodName(v) ? MaskKind.PodHash : MaskKind.DigitWord;
    }

    /// <summary>A size or time unit that follows a number as its own token ("5.2 KB", "30 ms").</summary>
    public static bool IsUnit(ReadOnlySpan<char> t) =>
        t is "B" or "KB" or "kB" or "MB" or "GB" or "TB" or "PB" or "KiB" or "MiB" or "GiB" or "TiB"
            or "ns" or "us" or "µs" or "ms" or "s" or "sec" or "secs" or "min" or "mins";

    private static bool IsKey(ReadOnlySpan<char> key)
    {
        if (!char.IsAsciiLetter(key[0]) && key[0] != '_')
        {
            return false;
        }

        foreach (var c in key)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '.' && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsEmail(ReadOnlySpan<char> v)
    {
        var at = v.IndexOf('@');
        if (at <= 0 || at != v.LastIndexOf('@'))
        {
            return false;
        }

        var domain = v[(at + 1)..];
        var dot = domain.IndexOf('.');
        return dot > 0 && dot < domain.Length - 1 && IsEmailLocal(v[..at]);
    }

    private static bool IsEmailLocal(ReadOnlySpan<char> local)
    {
        foreach (var c in local)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-' or '+'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPath(ReadOnlySpan<char> v)
    {
        // Unix: "/x..." with something after the slash; Windows: "C:\..." or "\\server\...".
        if (v.Length > 1 && v[0] == '/' && v[1] != '/')
        {
            return true;
        }

        if (v.Length > 2 && char.IsAsciiLetter(v[0]) && v[1] == ':' && v[2] == '\\')
        {
            return true;
        }

        return v.Length > 2 && v[0] == '\\' && v[1] == '\\';
    }

    private static bool IsUuid(ReadOnlySpan<char> v)
    {
        if (v.Length != 36)
        {
            return false;
        }

        for (var i = 0; i < 36; i++)
        {
            var dash = i is 8 or 13 or 18 or 23;
            if (dash ? v[i] != '-' : !char.IsAsciiHexDigit(v[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsIpv4(ReadOnlySpan<char> v)
    {
        var octets = 0;
        var i = 0;
        while (octets < 4)
        {
            var digits = 0;
            while (i < v.Length && char.IsAsciiDigit(v[i]) && digits < 3)
            {
                i++;
                digits++;
            }

            if (digits == 0)
            {
                return false;
            }

            octets++;
            if (octets < 4)
            {
                if (i >= v.Length || v[i] != '.')
                {
                    return false;
                }

                i++;
            }
        }

        if (i == v.Length)
        {
            return true;
        }

        // An optional :port.
        if (v[i] != ':' || i == v.Length - 1)
        {
            return false;
        }

        for (i++; i < v.Length; i++)
        {
            if (!char.IsAsciiDigit(v[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsIpv6(ReadOnlySpan<char> v)
    {
        var colons = 0;
        foreach (var c in v)
        {
            if (c == ':')
            {
                colons++;
            }
            else if (!char.IsAsciiHexDigit(c) && c != '.')
            {
                return false;
            }
        }

        return colons >= 2;
    }

    private static bool IsHex(ReadOnlySpan<char> v)
    {
        if (v.Length > 2 && v[0] == '0' && (v[1] | 0x20) == 'x')
        {
            v = v[2..];
        }
        else if (v.Length < 8)
        {
            return false;
        }

        foreach (var c in v)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Length of the longest number prefix: sign, digits with , or . separators, exponent.</summary>
    private static int ScanNumber(ReadOnlySpan<char> v)
    {
        var i = 0;
        if (i < v.Length && (v[i] == '-' || v[i] == '+'))
        {
            i++;
        }

        var digits = 0;
        while (i < v.Length)
        {
            var c = v[i];
            if (char.IsAsciiDigit(c))
            {
                digits++;
                i++;
            }
            else if ((c == '.' || c == ',') && i + 1 < v.Length && char.IsAsciiDigit(v[i + 1]) && digits > 0)
            {
                i++;
            }
            else if ((c | 0x20) == 'e' && digits > 0 && i + 1 < v.Length && (char.IsAsciiDigit(v[i + 1]) || v[i + 1] is '-' or '+'))
            {
                i += 2;
            }
            else
            {
                break;
            }
        }

        return digits == 0 ? 0 : i;
    }

    private static bool IsDurationUnits(ReadOnlySpan<char> v, int i)
    {
        // "250ms", "1.5s", "3h2m1s", "10µs": number and unit pairs to the end.
        while (i < v.Length)
        {
            var unitStart = i;
            while (i < v.Length && (char.IsAsciiLetter(v[i]) || v[i] == 'µ'))
            {
                i++;
            }

            var unit = v[unitStart..i];
            if (!(unit is "ns" or "us" or "µs" or "ms" or "s" or "m" or "h" or "d" or "sec" or "secs" or "min" or "mins"))
            {
                return false;
            }

            if (i == v.Length)
            {
                return true;
            }

            var next = ScanNumber(v[i..]);
            if (next == 0)
            {
                return false;
            }

            i += next;
        }

        return false;
    }

    private static bool IsTimestamp(ReadOnlySpan<char> v)
    {
        // Digits separated by date/time punctuation: 2015-10-18, 18:01:47,978, 2016/9/27:20:30:31.455, 2024-01-02T03:04:05Z.
        var separators = 0;
        foreach (var c in v)
        {
            if (c is '-' or '/' or ':' or '.' or ',' or 'T' or 'Z' or '+')
            {
                separators++;
            }
            else if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return separators >= 2;
    }

    /// <summary>
    /// A Kubernetes pod name: <c>name-&lt;replica-set hash&gt;-&lt;5 chars&gt;</c> (or <c>name-&lt;5 chars&gt;</c> for
    /// a DaemonSet/Job), whose suffixes come from the alphabet <c>bcdfghjklmnpqrstvwxz2456789</c> (no vowels, so no words).
    /// </summary>
    private static bool IsPodName(ReadOnlySpan<char> v)
    {
        var last = v.LastIndexOf('-');
        if (last <= 0 || v.Length - last - 1 != 5 || !IsPodAlphabet(v[(last + 1)..]))
        {
            return false;
        }

        var rest = v[..last];
        var previous = rest.LastIndexOf('-');
        if (previous > 0)
        {
            var hash = rest[(previous + 1)..];
            if (hash.Length is >= 6 and <= 10 && IsPodAlphabet(hash))
            {
                return true;
            }
        }

        // name-xxxxx alone: require a digit so "app-check" style words are never taken for a pod.
        return v[(last + 1)..].ContainsAnyInRange('0', '9');
    }

    private static bool IsPodAlphabet(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!(c is >= '2' and <= '9' && c != '3') && "bcdfghjklmnpqrstvwxz".IndexOf(c) < 0)
            {
                return false;
            }
        }

        return true;
    }
}
