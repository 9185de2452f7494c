using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Vigil.Prometheus.RemoteRead;

/// <summary>How a label matcher compares (remote-read's <c>LabelMatcher.Type</c>, same numbers).</summary>
public enum MatcherType
{
    Equal = 0,
    NotEqual = 1,
    Regex = 2,
    NotRegex = 3,
}

/// <summary>One label matcher of a selector.</summary>
public sealed record LabelMatcher(MatcherType Type, string Name, string Value);

/// <summary>
/// A PromQL instant-vector selector, <c>metric{label="value", other=~"re"}</c>: all that remote-read can ask for, since
/// the remote-read API returns stored samples by label matchers and evaluates no PromQL
/// (https://prometheus.io/docs/prometheus/latest/querying/remote_read_api/). Anything else (a function, an operator, a
/// range, <c>offset</c>, <c>@</c>) is refused with a message saying that it needs the query API.
/// </summary>
public sealed class PromSelector
{
    private PromSelector(IReadOnlyList<LabelMatcher> matchers) => Matchers = matchers;

    /// <summary>The matchers, the metric name first as <c>__name__="…"</c> when the selector has one.</summary>
    public IReadOnlyList<LabelMatcher> Matchers { get; }

    /// <summary>Parses <paramref name="query"/>; on failure <paramref name="error"/> says why, in a sentence for a configuration error.</summary>
    public static bool TryParse(string query, out PromSelector? selector, out string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        selector = null;
        var parser = new Parser(query);
        if (!parser.Run(out var matchers, out error))
        {
            error = $"'{Shorten(query)}' is not a plain series selector: {error}; remote_read reads stored series by label matchers " +
                "(metric{label=\"value\"}) and evaluates no PromQL, so functions, operators, ranges and offsets need protocol: query";
            return false;
        }

        if (!matchers.Exists(SelectsSomething))
        {
            error = $"'{Shorten(query)}' must have a metric name or a matcher that does not match the empty string, as Prometheus requires";
            return false;
        }

        selector = new PromSelector(matchers);
        return true;
    }

    /// <summary>Parses <paramref name="query"/>.</summary>
    /// <exception cref="ArgumentException">Not a plain selector (the message says why).</exception>
    public static PromSelector Parse(string query) =>
        TryParse(query, out var selector, out var error) ? selector! : throw new ArgumentException(error, nameof(query));

    private static bool SelectsSomething(LabelMatcher m) => m.Type switch
    {
        MatcherType.Equal => m.Value.Length > 0,
        MatcherType.NotEqual => m.Value.Length == 0,
        MatcherType.Regex => !MatchesEmpty(m.Value),
        _ => MatchesEmpty(m.Value),
    };

    private static bool MatchesEmpty(string pattern)
    {
        try
        {
            return Regex.IsMatch(string.Empty, "^(?:" + pattern + ")$", RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException)
        {
            return true; // not a pattern .NET reads (RE2 syntax differs in corners): Prometheus itself will judge it
        }
    }

    private static string Shorten(string query) => query.Length <= 120 ? query : string.Concat(query.AsSpan(0, 120), "...");

    private ref struct Parser(string text)
    {
        private readonly string _text = text;
        private int _pos;

        public bool Run(out List<LabelMatcher> matchers, out string? error)
        {
            matchers = [];
            error = null;
            SkipSpace();
            if (_pos < _text.Length && IsMetricStart(_text[_pos]))
            {
                var name = ReadWhile(IsMetricChar);
                SkipSpace();
                if (_pos < _text.Length && _text[_pos] == '(')
                {
                    error = $"'{name}(' is a function or aggregation";
                    return false;
                }

                matchers.Add(new LabelMatcher(MatcherType.Equal, "__name__", name));
            }

            if (_pos < _text.Length && _text[_pos] == '{')
            {
                _pos++;
                if (!ReadMatchers(matchers, out error))
                {
                    return false;
                }
            }

            SkipSpace();
            if (matchers.Count == 0 && error is null && _pos < _text.Length)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"unexpected '{_text[_pos]}' at character {_pos + 1}");
                return false;
            }

            if (_pos < _text.Length)
            {
                error = _text[_pos] switch
                {
                    '[' => "a range ([…]) makes a range vector",
                    '@' => "'@' evaluates at another time",
                    _ when _text.AsSpan(_pos).StartsWith("offset", StringComparison.Ordinal) => "'offset' shifts the evaluation time",
                    _ => string.Create(CultureInfo.InvariantCulture, $"'{_text.AsSpan(_pos, Math.Min(20, _text.Length - _pos))}' after the selector (an operator or a second expression)"),
                };
                return false;
            }

            if (matchers.Count == 0)
            {
                error = "it is empty";
                return false;
            }

            return true;
        }

        private bool ReadMatchers(List<LabelMatcher> matchers, out string? error)
        {
            error = null;
            while (true)
            {
                SkipSpace();
                if (_pos >= _text.Length)
                {
                    error = "'{' is not closed";
                    return false;
                }

                if (_text[_pos] == '}')
                {
                    _pos++;
                    return true;
                }

                if (!IsLabelStart(_text[_pos]))
                {
                    error = string.Create(CultureInfo.InvariantCulture, $"expected a label name at character {_pos + 1}");
                    return false;
                }

                var name = ReadWhile(IsLabelChar);
                SkipSpace();
                MatcherType type;
                if (Next("=~"))
                {
                    type = MatcherType.Regex;
                }
                else if (Next("!~"))
                {
                    type = MatcherType.NotRegex;
                }
                else if (Next("!="))
                {
                    type = MatcherType.NotEqual;
                }
                else if (Next("="))
                {
                    type = MatcherType.Equal;
                }
                else
                {
                    error = $"expected =, !=, =~ or !~ after label '{name}'";
                    return false;
                }

                SkipSpace();
                if (!ReadString(out var value, out error))
                {
                    return false;
                }

                matchers.Add(new LabelMatcher(type, name, value));
                SkipSpace();
                if (_pos < _text.Length && _text[_pos] == ',')
                {
                    _pos++;
                }
                else if (_pos < _text.Length && _text[_pos] != '}')
                {
                    error = string.Create(CultureInfo.InvariantCulture, $"expected ',' or '}}' at character {_pos + 1}");
                    return false;
                }
            }
        }

        private bool ReadString(out string value, out string? error)
        {
            value = string.Empty;
            error = null;
            if (_pos >= _text.Length || _text[_pos] is not ('"' or '\'' or '`'))
            {
                error = string.Create(CultureInfo.InvariantCulture, $"expected a quoted string at character {_pos + 1}");
                return false;
            }

            var quote = _text[_pos++];
            var sb = new StringBuilder();
            while (_pos < _text.Length && _text[_pos] != quote)
            {
                var c = _text[_pos++];
                if (c != '\\' || quote == '`')
                {
                    sb.Append(c);
                    continue;
                }

                if (_pos >= _text.Length)
                {
                    break;
                }

                // Go's escapes, as PromQL's strings have them.
                var e = _text[_pos++];
                switch (e)
                {
                    case 'a': sb.Append('\a'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'v': sb.Append('\v'); break;
                    case '\\' or '"' or '\'': sb.Append(e); break;
                    case 'x' or 'u' or 'U':
                        var digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                        if (_pos + digits > _text.Length || !int.TryParse(_text.AsSpan(_pos, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
                        {
                            error = $"bad \\{e} escape in a string";
                            return false;
                        }

                        sb.Append(char.ConvertFromUtf32(code));
                        _pos += digits;
                        break;
                    default:
                        error = $"unknown escape '\\{e}' in a string";
                        return false;
                }
            }

            if (_pos >= _text.Length)
            {
                error = "unterminated string";
                return false;
            }

            _pos++;
            value = sb.ToString();
            return true;
        }

        private bool Next(string token)
        {
            if (_text.AsSpan(_pos).StartsWith(token, StringComparison.Ordinal))
            {
                _pos += token.Length;
                return true;
            }

            return false;
        }

        private string ReadWhile(Func<char, bool> accept)
        {
            var start = _pos;
            while (_pos < _text.Length && accept(_text[_pos]))
            {
                _pos++;
            }

            return _text[start.._pos];
        }

        private void SkipSpace()
        {
            while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
            {
                _pos++;
            }
        }

        private static bool IsMetricStart(char c) => char.IsAsciiLetter(c) || c is '_' or ':';

        private static bool IsMetricChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or ':';

        private static bool IsLabelStart(char c) => char.IsAsciiLetter(c) || c == '_';

        private static bool IsLabelChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
    }
}
