using System.Globalization;
using System.Text.RegularExpressions;
using Vigil.Core.Detection;
using Vigil.Core.Series;

namespace Vigil.EventStore.Api;

/// <summary>Parsing of the API's query parameters and bodies; every failure is an <see cref="ArgumentException"/> naming the field.</summary>
public static partial class ApiParsing
{
    /// <summary>RFC 3339 (<c>2026-01-02T03:04:05Z</c>) or Unix seconds (<c>1767323045</c>, fractions allowed), as Prometheus's API accepts.</summary>
    public static DateTimeOffset ParseTime(string field, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            if (!double.IsFinite(seconds) || Math.Abs(seconds) > 253_402_300_799)
            {
                throw new ArgumentException($"{field}: {text} is out of range", field);
            }

            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }

        throw new ArgumentException($"{field}: '{text}' is not an RFC 3339 time nor Unix seconds", field);
    }

    /// <summary><c>new_normal</c>, <c>not_anomaly</c> or <c>confirmed</c>.</summary>
    public static FeedbackKind ParseKind(string? text) => text switch
    {
        "new_normal" => FeedbackKind.NewNormal,
        "not_anomaly" => FeedbackKind.NotAnomaly,
        "confirmed" => FeedbackKind.Confirmed,
        _ => throw new ArgumentException($"kind: must be new_normal, not_anomaly or confirmed, got '{text}'", nameof(text)),
    };

    public static string KindName(FeedbackKind kind) => kind switch
    {
        FeedbackKind.NewNormal => "new_normal",
        FeedbackKind.NotAnomaly => "not_anomaly",
        _ => "confirmed",
    };

    /// <summary>
    /// A PromQL-style set of equality matchers, <c>{instance="a",job="b"}</c> (braces optional, <c>{}</c> matches
    /// every series). Only <c>=</c> is supported: feedback names series, it does not search them.
    /// </summary>
    public static Labels ParseSelector(string field, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var body = text.Trim();
        if (body.StartsWith('{'))
        {
            if (!body.EndsWith('}'))
            {
                throw new ArgumentException($"{field}: '{text}' has no closing brace", field);
            }

            body = body[1..^1];
        }

        var labels = new List<KeyValuePair<string, string>>();
        var position = 0;
        body = body.Trim();
        while (position < body.Length)
        {
            var match = Matcher().Match(body, position);
            if (!match.Success || match.Index != position)
            {
                throw new ArgumentException($"{field}: '{text}' is not a selector of name=\"value\" matchers (only = is supported)", field);
            }

            var name = match.Groups["name"].Value;
            if (labels.Exists(l => l.Key == name))
            {
                throw new ArgumentException($"{field}: label {name} appears twice", field);
            }

            labels.Add(KeyValuePair.Create(name, Regex.Unescape(match.Groups["value"].Value)));
            position = match.Index + match.Length;
        }

        return Labels.From(labels);
    }

    [GeneratedRegex("""\s*(?<name>[a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"(?<value>(?:[^"\\]|\\.)*)"\s*(?:,|$)""", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Matcher();
}
