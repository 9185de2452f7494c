using System.Text.Json;

namespace Vigil.Backtesting;

/// <summary>One labelled incident: [Start, End], both inclusive, Unix milliseconds.</summary>
public readonly record struct IncidentWindow(long StartMs, long EndMs);

/// <summary>
/// Labelled incident windows for <c>vigil backtest --labels</c>. Two JSON shapes are accepted:
/// <list type="bullet">
/// <item>an array of <c>["start", "end"]</c> pairs: the windows apply to every series;</item>
/// <item>an object mapping a series (its selector as printed, e.g. <c>{instance="a",job="node"}</c>, a CSV file name,
/// or <c>*</c> for all) to such an array, the shape of NAB's <c>combined_windows.json</c>.</item>
/// </list>
/// Timestamps use the CSV reader's formats (ISO-8601, <c>2014-04-01 00:00:00</c>, Unix seconds or milliseconds).
/// </summary>
public sealed class IncidentWindows
{
    private readonly Dictionary<string, IncidentWindow[]> _bySeries;
    private readonly IncidentWindow[] _all;

    private IncidentWindows(Dictionary<string, IncidentWindow[]> bySeries, IncidentWindow[] all)
    {
        _bySeries = bySeries;
        _all = all;
    }

    public static IncidentWindows Load(string path) => Parse(File.ReadAllText(path), path);

    public static IncidentWindows Parse(string json, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.ValueKind == JsonValueKind.Array)
        {
            return new IncidentWindows(new(StringComparer.Ordinal), ReadWindows(root, sourceName, "(all)"));
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{sourceName}: expected an array of [start, end] pairs or an object of them per series.");
        }

        var bySeries = new Dictionary<string, IncidentWindow[]>(StringComparer.Ordinal);
        IncidentWindow[] all = [];
        foreach (var property in root.EnumerateObject())
        {
            var windows = ReadWindows(property.Value, sourceName, property.Name);
            if (property.Name == "*")
            {
                all = windows;
            }
            else
            {
                bySeries[property.Name] = windows;
            }
        }

        return new IncidentWindows(bySeries, all);
    }

    /// <summary>Windows for a series: its own entry (by exact name, or by file name for CSV keys) plus the <c>*</c> ones, sorted.</summary>
    public IReadOnlyList<IncidentWindow> For(string series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var own = _bySeries.TryGetValue(series, out var exact)
            ? exact
            : _bySeries.FirstOrDefault(p => p.Key.EndsWith("/" + series, StringComparison.Ordinal) || Path.GetFileNameWithoutExtension(p.Key) == series).Value ?? [];
        return [.. own.Concat(_all).OrderBy(w => w.StartMs)];
    }

    private static IncidentWindow[] ReadWindows(JsonElement array, string sourceName, string key)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{sourceName}: '{key}' must be an array of [start, end] pairs.");
        }

        var windows = new List<IncidentWindow>();
        foreach (var pair in array.EnumerateArray())
        {
            if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2)
            {
                throw new FormatException($"{sourceName}: '{key}': each window must be [start, end].");
            }

            var start = Time(pair[0], sourceName, key);
            var end = Time(pair[1], sourceName, key);
            if (end < start)
            {
                throw new FormatException($"{sourceName}: '{key}': window ends before it starts.");
            }

            windows.Add(new IncidentWindow(start, end));
        }

        return [.. windows];
    }

    private static long Time(JsonElement element, string sourceName, string key)
    {
        var text = element.ValueKind == JsonValueKind.Number ? element.GetRawText() : element.GetString() ?? string.Empty;
        return TimeSeriesCsv.TryParseTimestamp(text, out var ms)
            ? ms
            : throw new FormatException($"{sourceName}: '{key}': '{text}' is not a timestamp.");
    }
}
