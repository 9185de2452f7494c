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

    /// <summary>A 0/1 switch (e.g. <c>side_tail=1</c>), read as <see cref="ReadInt"/> reads it, with 0 and 1 the only values.</summary>
    public bool ReadFlag(string name, bool defaultValue) => ReadInt(name, defaultValue ? 1 : 0, 0, 1) == 1;

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

    /// <summary>
    /// A duration written as a number with a unit (<c>90s</c>, <c>30m</c>, <c>3h</c>, <c>1d</c>) or as <c>hh:mm:ss</c>,
    /// between <paramref name="min"/> and <paramref name="max"/>.
    /// </summary>
    public TimeSpan ReadDuration(string name, TimeSpan defaultValue, TimeSpan min, TimeSpan max)
    {
        _known.Add(name);
        if (!TryGet(name, out var text))
        {
            return defaultValue;
        }

        if (!TryParseDuration(text, out var value))
        {
            Errors.Add($"{name}: '{text}' is not a duration (e.g. 90s, 30m, 3h, 1d or 03:00:00)");
            return defaultValue;
        }

        if (value < min || value > max)
        {
            Errors.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: must be between {min} and {max} (got {value})"));
            return defaultValue;
        }

        return value;
    }

    internal static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        text = text.Trim();
        if (text.Length < 2)
        {
            return false;
        }

        var unit = char.ToLowerInvariant(text[^1]);
        double? scale = unit switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, _ => null };
        if (scale is { } seconds && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && double.IsFinite(number) && number >= 0 && number * seconds < TimeSpan.MaxValue.TotalSeconds)
        {
            value = TimeSpan.FromSeconds(number * seconds);
            return true;
        }

        return TimeSpan.TryParseExact(text, @"hh\:mm\:ss", CultureInfo.InvariantCulture, out value);
    }

    public string ReadString(string name, string defaultValue)
    {
        _known.Add(name);
        return TryGet(name, out var text) ? text : defaultValue;
    }

    /// <summary>One of <paramref name="choices"/> (case-insensitive, returned as spelt there); anything else is an error.</summary>
    public string ReadChoice(string name, string defaultValue, IReadOnlyList<string> choices)
    {
        var text = ReadString(name, defaultValue);
        foreach (var choice in choices)
        {
            if (string.Equals(choice, text, StringComparison.OrdinalIgnoreCase))
            {
                return choice;
            }
        }

        Errors.Add($"{name}: '{text}' is not one of {string.Join(", ", choices)}");
        return defaultValue;
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
