using System.Text.RegularExpressions;
using Vigil.Core.Series;
using Vigil.Core.Sources;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Pipeline.Replay;

/// <summary>
/// The subset of PromQL the replay source understands: an instant vector selector with equality matchers,
/// e.g. <c>replay_queue_depth{service="checkout"}</c>. Anything else is a clear error, not an empty result.
/// </summary>
public sealed partial class ReplaySelector
{
    private readonly List<Label> _matchers;

    private ReplaySelector(List<Label> matchers) => _matchers = matchers;

    public static ReplaySelector Parse(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var match = SelectorRegex().Match(query.Trim());
        if (!match.Success)
        {
            throw new MetricSourceException(ErrorTypes.ReplayQuery, $"The replay source supports only selectors like metric{{label=\"value\"}}; cannot run '{query}'.");
        }

        var matchers = new List<Label>();
        if (match.Groups["name"].Success)
        {
            matchers.Add(new Label("__name__", match.Groups["name"].Value));
        }

        foreach (Capture capture in match.Groups["matcher"].Captures)
        {
            var m = MatcherRegex().Match(capture.Value);
            matchers.Add(new Label(m.Groups["k"].Value, m.Groups["v"].Value.Replace("\\\"", "\"", StringComparison.Ordinal)));
        }

        return matchers.Count == 0
            ? throw new MetricSourceException(ErrorTypes.ReplayQuery, $"The selector '{query}' matches nothing: name a metric or a label.")
            : new ReplaySelector(matchers);
    }

    public bool Matches(Labels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return _matchers.TrueForAll(m => string.Equals(labels.Get(m.Name) ?? string.Empty, m.Value, StringComparison.Ordinal));
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(\{\s*((?<matcher>[a-zA-Z_][a-zA-Z0-9_]*\s*=\s*"(?:[^"\\]|\\.)*")\s*,?\s*)*\})?$""")]
    private static partial Regex SelectorRegex();

    [GeneratedRegex("""^(?<k>[a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"(?<v>(?:[^"\\]|\\.)*)"$""")]
    private static partial Regex MatcherRegex();
}
