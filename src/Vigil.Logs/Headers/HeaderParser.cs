namespace Vigil.Logs.Headers;

/// <summary>Line layouts the header parser knows. Templates are mined from the message part only.</summary>
public enum LogFormat
{
    /// <summary>Detected per source: the layout that parsed the last line is tried first, then each in turn.</summary>
    Auto,
    /// <summary>No header: the whole line is the message.</summary>
    None,
    /// <summary>RFC 5424 (<c>&lt;PRI&gt;1 TIMESTAMP HOST APP PROCID MSGID SD MSG</c>) or RFC 3164 (<c>&lt;PRI&gt;Mmm dd hh:mm:ss HOST TAG[PID]: MSG</c>, PRI optional).</summary>
    Syslog,
    /// <summary>klog/glog: <c>Lmmdd hh:mm:ss.uuuuuu threadid file:line] MSG</c>.</summary>
    Klog,
    /// <summary>JSON lines: the first of <c>msg</c>, <c>message</c>, <c>log</c> that is a string.</summary>
    Json,
    /// <summary>logfmt: the <c>msg</c> or <c>message</c> value, else the whole line.</summary>
    Logfmt,
    /// <summary>Common/Combined Log Format: the request line, status and size.</summary>
    Clf,
}

/// <summary>
/// Splits the header off a log line so that only the message is mined. One instance per source (it remembers the
/// layout it detected, and owns a scratch buffer for JSON unescaping); not thread-safe. Allocates nothing per line.
/// </summary>
public sealed class HeaderParser
{
    private static readonly LogFormat[] DetectionOrder = [LogFormat.Json, LogFormat.Syslog, LogFormat.Klog, LogFormat.Clf, LogFormat.Logfmt];

    private readonly LogFormat _configured;
    private readonly PatternHeaderFormat? _pattern;
    private char[] _scratch = new char[256];

    public HeaderParser(LogFormat format = LogFormat.Auto)
    {
        _configured = format;
        Detected = format == LogFormat.Auto ? LogFormat.None : format;
    }

    /// <summary>A parser for a LogPAI-style pattern (<c>&lt;Date&gt; &lt;Time&gt; &lt;Content&gt;</c>).</summary>
    public HeaderParser(PatternHeaderFormat pattern)
    {
        _pattern = pattern ?? throw new ArgumentNullException(nameof(pattern));
        _configured = LogFormat.None;
        Detected = LogFormat.None;
    }

    /// <summary>The layout of the last line parsed (for <see cref="LogFormat.Auto"/>, what detection chose).</summary>
    public LogFormat Detected { get; private set; }

    /// <summary>Lines whose configured layout did not match (their whole text is mined).</summary>
    public long Unparsed { get; private set; }

    /// <summary>Parses a pattern name: auto, none, syslog, klog, json, logfmt, clf.</summary>
    public static bool TryParseFormat(string name, out LogFormat format) =>
        Enum.TryParse(name, ignoreCase: true, out format) && Enum.IsDefined(format) && !int.TryParse(name, out _);

    /// <summary>
    /// The message of a line: a slice of <paramref name="line"/>, or of this parser's scratch buffer (valid until the
    /// next call) when the message had to be unescaped.
    /// </summary>
    public ReadOnlySpan<char> Message(ReadOnlySpan<char> line)
    {
        if (_pattern is not null)
        {
            // Patterns are for offline benchmarks; the string copy is acceptable there.
            if (_pattern.TryGetMessage(line.ToString(), out var content))
            {
                return content.Span;
            }

            Unparsed++;
            return line;
        }

        if (_configured != LogFormat.Auto)
        {
            if (TryParse(_configured, line, out var message))
            {
                return message;
            }

            Unparsed++;
            return line;
        }

        if (Detected != LogFormat.None && TryParse(Detected, line, out var same))
        {
            return same;
        }

        foreach (var format in DetectionOrder)
        {
            if (format != Detected && TryParse(format, line, out var detected))
            {
                Detected = format;
                return detected;
            }
        }

        Detected = LogFormat.None;
        return line;
    }

    private bool TryParse(LogFormat format, ReadOnlySpan<char> line, out ReadOnlySpan<char> message)
    {
        switch (format)
        {
            case LogFormat.None:
                message = line;
                return true;
            case LogFormat.Syslog:
                return HeaderScanners.TrySyslog(line, out message);
            case LogFormat.Klog:
                return HeaderScanners.TryKlog(line, out message);
            case LogFormat.Json:
                return HeaderScanners.TryJson(line, ref _scratch, out message);
            case LogFormat.Logfmt:
                return HeaderScanners.TryLogfmt(line, ref _scratch, out message);
            case LogFormat.Clf:
                return HeaderScanners.TryClf(line, out message);
            default:
                message = line;
                return false;
        }
    }
}
