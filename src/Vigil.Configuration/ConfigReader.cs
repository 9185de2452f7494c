using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Vigil.Configuration;

/// <summary>
/// Typed, path-aware reads from a YAML mapping. Every problem is collected with its path
/// (<c>jobs[2].interval: ...</c>) so `vigil config check` can list them all at once. Readers only check that a value
/// parses (and, for numbers and durations, the limits the owning options class declares); the rules that relate
/// values to each other live in that class's <c>Validate()</c>, once.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "The methods are named after the YAML value type they read (String, Int, Double), which is what a section reader looks for.")]
public sealed class ConfigReader(List<string> errors)
{
    /// <summary>Every error so far, each starting with its path.</summary>
    public List<string> Errors => errors;

    /// <summary>Adds <paramref name="message"/> under <paramref name="path"/> (<c>path: message</c>).</summary>
    public void Error(string path, string message) => errors.Add($"{path}: {message}");

    /// <summary>Adds each of an options class's <c>Validate()</c> errors (<c>key: message</c>) under <paramref name="path"/>.</summary>
    public void AddValidation(string path, IEnumerable<string> validationErrors)
    {
        ArgumentNullException.ThrowIfNull(validationErrors);
        errors.AddRange(validationErrors.Select(e => Join(path, e)));
    }

    /// <summary>True when the mapping has <paramref name="key"/> at all (even with an empty value).</summary>
    public static bool Has(YamlMappingNode parent, string key)
    {
        ArgumentNullException.ThrowIfNull(parent);
        return parent.Children.ContainsKey(new YamlScalarNode(key));
    }

    /// <summary>A list of scalars (<c>[a, b]</c>); null when absent. A non-scalar item is an error.</summary>
    public IReadOnlyList<string>? Strings(YamlMappingNode parent, string path, string key)
    {
        if (Sequence(parent, path, key) is not { } seq)
        {
            return null;
        }

        var values = seq.Children.OfType<YamlScalarNode>().Select(n => n.Value ?? string.Empty).ToList();
        if (values.Count != seq.Children.Count)
        {
            errors.Add($"{Join(path, key)}: must be a list of single values");
        }

        return values;
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    public YamlMappingNode? Mapping(YamlMappingNode parent, string path, string key)
    {
        var node = Get(parent, key);
        switch (node)
        {
            case null: return null;
            case YamlMappingNode map: return map;
            case YamlScalarNode { Value: null or "" or "~" or "null" }: return null;
            default:
                errors.Add($"{Join(path, key)}: must be a mapping");
                return null;
        }
    }

    public YamlSequenceNode? Sequence(YamlMappingNode parent, string path, string key)
    {
        var node = Get(parent, key);
        switch (node)
        {
            case null: return null;
            case YamlSequenceNode seq: return seq;
            case YamlScalarNode { Value: null or "" or "~" or "null" }: return null;
            default:
                errors.Add($"{Join(path, key)}: must be a list");
                return null;
        }
    }

    public string? String(YamlMappingNode parent, string path, string key, bool required = false)
    {
        var node = Get(parent, key);
        if (node is null || node is YamlScalarNode { Value: null or "~" } || (node is YamlScalarNode { Style: not YamlDotNet.Core.ScalarStyle.SingleQuoted and not YamlDotNet.Core.ScalarStyle.DoubleQuoted, Value: "null" }))
        {
            if (required)
            {
                errors.Add($"{Join(path, key)}: required");
            }

            return null;
        }

        if (node is not YamlScalarNode scalar)
        {
            errors.Add($"{Join(path, key)}: must be a single value");
            return null;
        }

        if (required && string.IsNullOrWhiteSpace(scalar.Value))
        {
            errors.Add($"{Join(path, key)}: required");
            return null;
        }

        return scalar.Value;
    }

    public int? Int(YamlMappingNode parent, string path, string key, int min, int max)
    {
        var text = String(parent, path, key);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors.Add($"{Join(path, key)}: must be a whole number between {min} and {max} (got '{text}')");
            return null;
        }

        return value;
    }

    public double? Double(YamlMappingNode parent, string path, string key, double min, double max)
    {
        var text = String(parent, path, key);
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value >= min && value <= max))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Join(path, key)}: must be a number between {min} and {max} (got '{text}')"));
            return null;
        }

        return value;
    }

    public bool? Bool(YamlMappingNode parent, string path, string key)
    {
        var text = String(parent, path, key);
        if (text is null)
        {
            return null;
        }

        if (!bool.TryParse(text, out var value))
        {
            errors.Add($"{Join(path, key)}: must be true or false (got '{text}')");
            return null;
        }

        return value;
    }

    public TimeSpan? Duration(YamlMappingNode parent, string path, string key, TimeSpan min, TimeSpan max)
    {
        var text = String(parent, path, key);
        if (text is null)
        {
            return null;
        }

        if (!Vigil.Configuration.Duration.TryParse(text, out var value))
        {
            errors.Add($"{Join(path, key)}: '{text}' is not a duration with a unit (e.g. 30s, 5m, 1h)");
            return null;
        }

        if (value < min || value > max)
        {
            errors.Add($"{Join(path, key)}: must be between {Vigil.Configuration.Duration.Format(min)} and {Vigil.Configuration.Duration.Format(max)} (got {text})");
            return null;
        }

        return value;
    }

    /// <summary>Flags keys the schema does not know: a typo must not silently fall back to a default.</summary>
    public void RejectUnknown(YamlMappingNode map, string path, params string[] known)
    {
        foreach (var key in map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? string.Empty))
        {
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                errors.Add($"{Join(path, key)}: unknown key (expected one of: {string.Join(", ", known)})");
            }
        }
    }

    private static YamlNode? Get(YamlMappingNode parent, string key)
        => parent.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;
}
