namespace Vigil.Logs.Headers;

/// <summary>Hand-written, allocation-free scanners for the header layouts of <see cref="LogFormat"/>.</summary>
internal static class HeaderScanners
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>RFC 5424, then RFC 3164 (with or without PRI).</summary>
    public static bool TrySyslog(ReadOnlySpan<char> line, out ReadOnlySpan<char> message)
    {
        message = line;
        var i = 0;
        if (line.Length > 2 && line[0] == '<')
        {
            var close = line[..Math.Min(line.Length, 5)].IndexOf('>');
            if (close < 2 || !IsDigits(line[1..close]))
            {
                return false;
            }

            i = close + 1;
            if (line.Length > i + 1 && line[i] == '1' && line[i + 1] == ' ')
            {
                return TryRfc5424(line, i + 2, out message);
            }
        }

        return TryRfc3164(line, i, out message);
    }

    // https://www.rfc-editor.org/rfc/rfc5424#section-6: TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]
    private static bool TryRfc5424(ReadOnlySpan<char> line, int i, out ReadOnlySpan<char> message)
    {
        message = line;
        for (var field = 0; field < 5; field++)
        {
            var space = line[i..].IndexOf(' ');
            if (space <= 0)
            {
                return false;
            }

            i += space + 1;
        }

        if (i >= line.Length)
        {
            return false;
        }

        if (line[i] == '-')
        {
            i++;
        }
        else if (line[i] == '[')
        {
            // SD-ELEMENTs, each [id param="value"...]; values escape ", \ and ] with a backslash.
            while (i < line.Length && line[i] == '[')
            {
                var inQuotes = false;
                for (i++; i < line.Length; i++)
                {
                    var c = line[i];
                    if (c == '\\' && inQuotes)
                    {
                        i++;
                    }
                    else if (c == '"')
                    {
                        inQuotes = !inQuotes;
                    }
                    else if (c == ']' && !inQuotes)
                    {
                        break;
                    }
                }

                if (i >= line.Length)
                {
                    return false;
                }

                i++;
            }
        }
        else
        {
            return false;
        }

        message = i < line.Length && line[i] == ' ' ? line[(i + 1)..] : line[i..];
        if (!message.IsEmpty && message[0] == '\uFEFF')
        {
            message = message[1..];
        }

        return true;
    }

    // https://www.rfc-editor.org/rfc/rfc3164#section-4.1: "Mmm dd hh:mm:ss HOST TAG[PID]: MSG" (dd space-padded).
    private static bool TryRfc3164(ReadOnlySpan<char> line, int i, out ReadOnlySpan<char> message)
    {
        message = line;
        if (line.Length < i + 16 || !IsMonth(line.Slice(i, 3)) || line[i + 3] != ' ')
        {
            return false;
        }

        var day = line.Slice(i + 4, 2);
        if (!(char.IsAsciiDigit(day[1]) && (char.IsAsciiDigit(day[0]) || day[0] == ' ')) || line[i + 6] != ' ' || !IsClock(line.Slice(i + 7, 8)) || line[i + 15] != ' ')
        {
            return false;
        }

        i += 16;
        var rest = line[i..];
        var hostEnd = rest.IndexOf(' ');
        if (hostEnd <= 0)
        {
            return false;
        }

        var afterHost = rest[(hostEnd + 1)..];
        var colon = afterHost.IndexOf(": ");
        var tagEnd = afterHost.IndexOf(' ');
        if (colon > 0 && (tagEnd < 0 || colon < tagEnd))
        {
            message = afterHost[(colon + 2)..];
        }
        else
        {
            // No TAG: the content starts after the host.
            message = afterHost;
        }

        return true;
    }

    /// <summary>klog: <c>I0102 15:04:05.123456   12345 file.go:123] msg</c>.</summary>
    public static bool TryKlog(ReadOnlySpan<char> line, out ReadOnlySpan<char> message)
    {
        message = line;
        if (line.Length < 22 || line[0] is not ('I' or 'W' or 'E' or 'F') || !IsDigits(line.Slice(1, 4)) || line[5] != ' ' || !IsClock(line.Slice(6, 8)))
        {
            return false;
        }

        var close = line.IndexOf("] ");
        if (close < 0)
        {
            return false;
        }

        message = line[(close + 2)..];
        return true;
    }

    /// <summary>Common/Combined Log Format: <c>host ident user [date] "request" status bytes ...</c>.</summary>
    public static bool TryClf(ReadOnlySpan<char> line, out ReadOnlySpan<char> message)
    {
        message = line;
        var open = line.IndexOf(" [");
        if (open <= 0)
        {
            return false;
        }

        var close = line[open..].IndexOf("] \"");
        if (close < 0)
        {
            return false;
        }

        var start = open + close + 2;
        var endQuote = line[(start + 1)..].IndexOf('"');
        if (endQuote < 0)
        {
            return false;
        }

        // The message is "request" status bytes: cut before the referer/user agent of the combined format.
        var end = start + 1 + endQuote + 1;
        for (var fields = 0; fields < 2; fields++)
        {
            if (end >= line.Length || line[end] != ' ')
            {
                break;
            }

            var next = line[(end + 1)..].IndexOf(' ');
            end = next < 0 ? line.Length : end + 1 + next;
        }

        message = line[start..end];
        return true;
    }

    /// <summary>A JSON object line: the first top-level <c>msg</c>, <c>message</c> or <c>log</c> string, unescaped.</summary>
    public static bool TryJson(ReadOnlySpan<char> line, ref char[] scratch, out ReadOnlySpan<char> message)
    {
        message = line;
        var i = SkipWhitespace(line, 0);
        if (i >= line.Length || line[i] != '{')
        {
            return false;
        }

        i++;
        while (true)
        {
            i = SkipWhitespace(line, i);
            if (i >= line.Length || line[i] != '"')
            {
                return false;
            }

            var keyEnd = SkipString(line, i);
            if (keyEnd < 0)
            {
                return false;
            }

            var key = line[(i + 1)..(keyEnd - 1)];
            i = SkipWhitespace(line, keyEnd);
            if (i >= line.Length || line[i] != ':')
            {
                return false;
            }

            i = SkipWhitespace(line, i + 1);
            if (i >= line.Length)
            {
                return false;
            }

            if (line[i] == '"' && key is "msg" or "message" or "log")
            {
                var valueEnd = SkipString(line, i);
                if (valueEnd < 0)
                {
                    return false;
                }

                Reserve(ref scratch, valueEnd - i);
                message = Unescape(line[(i + 1)..(valueEnd - 1)], scratch);
                return true;
            }

            i = SkipValue(line, i);
            if (i < 0)
            {
                return false;
            }

            i = SkipWhitespace(line, i);
            if (i >= line.Length || line[i] == '}')
            {
                return false;
            }

            if (line[i] != ',')
            {
                return false;
            }

            i++;
        }
    }

    /// <summary>logfmt: at least two <c>key=value</c> pairs; the <c>msg</c>/<c>message</c> value, else the whole line.</summary>
    public static bool TryLogfmt(ReadOnlySpan<char> line, ref char[] scratch, out ReadOnlySpan<char> message)
    {
        message = line;
        var pairs = 0;
        var i = 0;
        ReadOnlySpan<char> found = default;
        var hasMessage = false;
        while (true)
        {
            while (i < line.Length && line[i] == ' ')
            {
                i++;
            }

            if (i >= line.Length)
            {
                break;
            }

            var keyStart = i;
            while (i < line.Length && line[i] != '=' && line[i] != ' ' && line[i] != '"')
            {
                i++;
            }

            if (i >= line.Length || line[i] != '=' || i == keyStart)
            {
                return false;
            }

            var key = line[keyStart..i];
            i++;
            ReadOnlySpan<char> value;
            var quoted = i < line.Length && line[i] == '"';
            if (quoted)
            {
                var end = SkipString(line, i);
                if (end < 0)
                {
                    return false;
                }

                value = line[(i + 1)..(end - 1)];
                i = end;
            }
            else
            {
                var start = i;
                while (i < line.Length && line[i] != ' ')
                {
                    i++;
                }

                value = line[start..i];
            }

            pairs++;
            if (!hasMessage && key is "msg" or "message")
            {
                Reserve(ref scratch, value.Length);
                found = quoted ? Unescape(value, scratch) : value;
                hasMessage = true;
            }
        }

        if (pairs < 2)
        {
            return false;
        }

        if (hasMessage)
        {
            message = found;
        }

        return true;
    }

    private static void Reserve(ref char[] scratch, int length)
    {
        if (scratch.Length < length)
        {
            scratch = new char[Math.Max(length, scratch.Length * 2)];
        }
    }

    private static ReadOnlySpan<char> Unescape(ReadOnlySpan<char> s, char[] scratch)
    {
        if (s.IndexOf('\\') < 0)
        {
            return s;
        }

        var n = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c != '\\' || i == s.Length - 1)
            {
                scratch[n++] = c;
                continue;
            }

            c = s[++i];
            switch (c)
            {
                case 'n': scratch[n++] = '\n'; break;
                case 't': scratch[n++] = '\t'; break;
                case 'r': scratch[n++] = '\r'; break;
                case 'b': scratch[n++] = '\b'; break;
                case 'f': scratch[n++] = '\f'; break;
                case 'u' when i + 4 < s.Length && ushort.TryParse(s.Slice(i + 1, 4), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var code):
                    scratch[n++] = (char)code;
                    i += 4;
                    break;
                default: scratch[n++] = c; break;
            }
        }

        return scratch.AsSpan(0, n);
    }

    private static int SkipWhitespace(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t' or '\r' or '\n')
        {
            i++;
        }

        return i;
    }

    /// <summary>Index after the closing quote of the string starting at <paramref name="i"/>, or -1.</summary>
    private static int SkipString(ReadOnlySpan<char> s, int i)
    {
        for (i++; i < s.Length; i++)
        {
            if (s[i] == '\\')
            {
                i++;
            }
            else if (s[i] == '"')
            {
                return i + 1;
            }
        }

        return -1;
    }

    /// <summary>Index after the JSON value starting at <paramref name="i"/>, or -1.</summary>
    private static int SkipValue(ReadOnlySpan<char> s, int i)
    {
        if (s[i] == '"')
        {
            return SkipString(s, i);
        }

        if (s[i] is '{' or '[')
        {
            var depth = 0;
            for (; i < s.Length; i++)
            {
                var c = s[i];
                if (c == '"')
                {
                    i = SkipString(s, i);
                    if (i < 0)
                    {
                        return -1;
                    }

                    i--;
                }
                else if (c is '{' or '[')
                {
                    depth++;
                }
                else if (c is '}' or ']' && --depth == 0)
                {
                    return i + 1;
                }
            }

            return -1;
        }

        while (i < s.Length && s[i] is not (',' or '}' or ' ' or '\t'))
        {
            i++;
        }

        return i;
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return !s.IsEmpty;
    }

    private static bool IsClock(ReadOnlySpan<char> s) =>
        s.Length == 8 && s[2] == ':' && s[5] == ':' && IsDigits(s[..2]) && IsDigits(s.Slice(3, 2)) && IsDigits(s.Slice(6, 2));

    private static bool IsMonth(ReadOnlySpan<char> s)
    {
        foreach (var month in Months)
        {
            if (s.SequenceEqual(month))
            {
                return true;
            }
        }

        return false;
    }
}
