using System.Text;
using System.Text.RegularExpressions;

namespace Vigil.Logs.Headers;

/// <summary>
/// A user-given header layout in the LogPAI notation used by Loghub: <c>&lt;Date&gt; &lt;Time&gt; &lt;Level&gt;: &lt;Content&gt;</c>.
/// Each <c>&lt;Field&gt;</c> matches lazily; text between fields is a regular-expression fragment in which a run of spaces
/// matches any whitespace. The message is the <c>Content</c> field. For sources whose layout auto-detection does not know.
/// </summary>
/// <remarks>A regular expression is acceptable here: it runs once per line on the header, not once per mask.</remarks>
public sealed class PatternHeaderFormat
{
    private readonly Regex _regex;

    public PatternHeaderFormat(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        if (!pattern.Contains("<Content>", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Header pattern '{pattern}' has no <Content> field.", nameof(pattern));
        }

        Pattern = pattern;
        var regex = new StringBuilder("^");
        foreach (var part in Regex.Split(pattern, "(<[^<>]+>)"))
        {
            if (part.Length > 2 && part[0] == '<' && part[^1] == '>')
            {
                regex.Append("(?<").Append(part.AsSpan(1, part.Length - 2)).Append(">.*?)");
            }
            else
            {
                regex.Append(Regex.Replace(part, " +", @"\s+"));
            }
        }

        regex.Append('$');
        _regex = new Regex(regex.ToString(), RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeSpan.FromSeconds(1));
    }

    public string Pattern { get; }

    /// <summary>The Content field of a line (the line trimmed, as LogPAI does), or false when the line does not match.</summary>
    public bool TryGetMessage(string line, out ReadOnlyMemory<char> message)
    {
        ArgumentNullException.ThrowIfNull(line);
        var trimmed = line.Trim();
        var match = _regex.Match(trimmed);
        if (!match.Success)
        {
            message = default;
            return false;
        }

        var content = match.Groups["Content"];
        message = trimmed.AsMemory(content.Index, content.Length);
        return true;
    }
}
