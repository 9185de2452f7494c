using System.Globalization;

namespace Vigil.Core.Detection;

/// <summary>Reads typed detector parameters from configuration text, collecting every problem instead of stopping at the first.</summary>
public sealed class DetectorParameters
{
    private readonly IReadOnlyDictionary<string, string> _values;
    private readonly HashSet<string> _known = new(StringComparer.OrdinalIgnoreCase);

    public DetectorParameters(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = values;
    }

    public List<string> Errors { get; } = [];

    public int ReadInt(string name, int defaultValue, int min, int max)
    {
        _known.Add(name);
        if (!TryGet(name, out var text))
        {
            return defaultValue;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            Errors.Add($"{name}: '{text}' is not a whole number");
            return defaultValue;
        }

        if (value < min || value > max)
        {
            Errors.Add($"{name}: must be between {min} and {max} (got {value})");
            return defaultValue;
        }

        return value;
    }

    public double ReadDouble(string name, double defaultValue, double min, double max)
    {
        _known.Add(name);
        if (!TryGet(name, out var text))
        {
            return defaultValue;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            Errors.Add($"{name}: '{text}' is not a finite number");
            return defaultValue;
        }

        if (value < min || value > max)
        {
            Errors.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: must be between {min} and {max} (got {value})"));
            return defaultValue;
        }

        return value;
    }

    public string ReadString(string name, string defaultValue)
    {
        _known.Add(name);
        return TryGet(name, out var text) ? text : defaultValue;
    }

    /// <summary>Call after reading every parameter: a misspelt parameter is an error, not silently ignored.</summary>
    public void RejectUnknown()
    {
        foreach (var name in _values.Keys.Where(k => !_known.Contains(k)).Order(StringComparer.Ordinal))
        {
            Errors.Add($"{name}: unknown parameter (known: {string.Join(", ", _known.Order(StringComparer.Ordinal))})");
        }
    }

    private bool TryGet(string name, out string text)
    {
        foreach (var (key, value) in _values)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                text = value.Trim();
                return true;
            }
        }

        text = string.Empty;
        return false;
    }
}
