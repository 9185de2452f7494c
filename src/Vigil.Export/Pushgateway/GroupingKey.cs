using System.Text;

namespace Vigil.Export.Pushgateway;

/// <summary>
/// The Pushgateway's grouping-key path: <c>/metrics/job/&lt;job&gt;{/&lt;label&gt;/&lt;value&gt;}</c>. A value that
/// contains <c>/</c>, or is empty, cannot be a path segment and is sent as <c>&lt;label&gt;@base64/&lt;base64url&gt;</c>
/// (the Pushgateway's own encoding; an empty value is <c>=</c>). Other values are percent-escaped.
/// </summary>
public static class GroupingKey
{
    public static string Path(string job, IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var path = new StringBuilder("metrics");
        Append(path, "job", job);
        // Sorted, so the same key always yields the same URL (the Pushgateway does not care; logs and tests do).
        foreach (var (name, value) in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            Append(path, name, value);
        }

        return path.ToString();
    }

    private static void Append(StringBuilder path, string name, string value)
    {
        if (value.Length == 0)
        {
            path.Append('/').Append(name).Append("@base64/=");
        }
        else if (value.Contains('/', StringComparison.Ordinal))
        {
            var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(value)).Replace('+', '-').Replace('/', '_');
            path.Append('/').Append(name).Append("@base64/").Append(base64);
        }
        else
        {
            path.Append('/').Append(name).Append('/').Append(Uri.EscapeDataString(value));
        }
    }
}
