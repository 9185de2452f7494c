namespace Vigil.Exposition;

/// <summary>Ordinal identity of a child's label values; owns its array (copied from the caller's).</summary>
internal readonly struct LabelValuesKey : IEquatable<LabelValuesKey>
{
    private readonly string[] _values;
    private readonly int _hash;

    public LabelValuesKey(string[] values)
    {
        _values = values;
        var hash = new HashCode();
        foreach (var value in values)
        {
            hash.Add(value, StringComparer.Ordinal);
        }

        _hash = hash.ToHashCode();
    }

    public bool Equals(LabelValuesKey other)
    {
        if (_hash != other._hash || _values.Length != other._values.Length)
        {
            return false;
        }

        for (var i = 0; i < _values.Length; i++)
        {
            if (!string.Equals(_values[i], other._values[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is LabelValuesKey other && Equals(other);

    public override int GetHashCode() => _hash;
}
