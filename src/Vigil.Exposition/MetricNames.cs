using System.Buffers;

namespace Vigil.Exposition;

/// <summary>Name rules of the data model: https://prometheus.io/docs/concepts/data_model/#metric-names-and-labels.</summary>
internal static class MetricNames
{
    private static readonly SearchValues<char> MetricNameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:");

    private static readonly SearchValues<char> LabelNameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    public static bool IsValidMetricName(string? name) =>
        !string.IsNullOrEmpty(name)
        && !char.IsAsciiDigit(name[0])
        && !name.AsSpan().ContainsAnyExcept(MetricNameChars);

    public static bool IsValidLabelName(string? name) =>
        !string.IsNullOrEmpty(name)
        && !char.IsAsciiDigit(name[0])
        && !name.AsSpan().ContainsAnyExcept(LabelNameChars)
        // Names starting with "__" are reserved for Prometheus' internal use (__name__, __address__, ...).
        && !name.StartsWith("__", StringComparison.Ordinal);

    public static string SanitizeLabelName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (IsValidLabelName(name))
        {
            return name;
        }

        if (name.Length == 0)
        {
            return "_";
        }

        var prefix = char.IsAsciiDigit(name[0]) ? 1 : 0;
        var chars = new char[name.Length + prefix];
        chars[0] = '_';
        for (var i = 0; i < name.Length; i++)
        {
            chars[i + prefix] = LabelNameChars.Contains(name[i]) ? name[i] : '_';
        }

        // "__" is reserved: collapse a leading run of underscores to one so the result is always valid.
        var start = 0;
        while (start + 1 < chars.Length && chars[start] == '_' && chars[start + 1] == '_')
        {
            start++;
        }

        return new string(chars, start, chars.Length - start);
    }

    public static void ThrowIfInvalidMetricName(string name, string paramName)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (!IsValidMetricName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid metric name: it must match [a-zA-Z_:][a-zA-Z0-9_:]*.", paramName);
        }
    }

    public static void ThrowIfInvalidLabelName(string name, string paramName)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (!IsValidLabelName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid label name: it must match [a-zA-Z_][a-zA-Z0-9_]* and not start with \"__\".", paramName);
        }
    }
}
