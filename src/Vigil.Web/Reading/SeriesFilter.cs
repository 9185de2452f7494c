using Vigil.Core.Series;

namespace Vigil.Web.Reading;

/// <summary>
/// The job page's label filter: <c>name=value</c> pairs (quotes and braces optional, comma-separated, all must match),
/// or, without any <c>=</c>, text the series' label block contains (case-insensitive).
/// </summary>
internal static class SeriesFilter
{
    public static (Func<Labels, bool> Matches, string? Error) Parse(string text)
    {
        var body = text.Trim();
        if (body.StartsWith('{') && body.EndsWith('}'))
        {
            body = body[1..^1].Trim();
        }

        if (body.Length == 0)
        {
            return (_ => true, null);
        }

        if (!body.Contains('=', StringComparison.Ordinal))
        {
            return (l => l.ToString().Contains(body, StringComparison.OrdinalIgnoreCase), null);
        }

        var pairs = new List<(string Name, string Value)>();
        foreach (var part in body.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? string.Empty : part[..eq].Trim();
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return (_ => false, $"filter: '{part}' is not name=value (label names are letters, digits and _)");
            }

            pairs.Add((name, part[(eq + 1)..].Trim().Trim('"')));
        }

        return (l => pairs.TrueForAll(p => string.Equals(l.Get(p.Name) ?? string.Empty, p.Value, StringComparison.Ordinal)), null);
    }
}
