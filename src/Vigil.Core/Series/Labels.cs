using System.Collections;
using System.Text;

namespace Vigil.Core.Series;

/// <summary>
/// An immutable label set, sorted by name with unique names, so equal sets compare and hash equal
/// regardless of the order a source listed them in. Used as the identity of a series.
/// </summary>
public sealed class Labels : IEquatable<Labels>, IReadOnlyList<Label>
{
    private readonly Label[] _items;
    private readonly int _hash;

    public static Labels Empty { get; } = new([]);

    private Labels(Label[] sortedUnique)
    {
        _items = sortedUnique;
        var hash = new HashCode();
        foreach (var label in sortedUnique)
        {
            hash.Add(label.Name, StringComparer.Ordinal);
            hash.Add(label.Value, StringComparer.Ordinal);
        }

        _hash = hash.ToHashCode();
    }

    public int Count => _items.Length;

    public Label this[int index] => _items[index];

    /// <summary>Builds a label set; a later duplicate name replaces an earlier one.</summary>
    public static Labels From(params ReadOnlySpan<Label> labels)
    {
        if (labels.IsEmpty)
        {
            return Empty;
        }

        var items = labels.ToArray();
        return FromOwnedArray(items);
    }

    public static Labels From(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return FromOwnedArray([.. pairs.Select(p => new Label(p.Key, p.Value))]);
    }

    /// <summary>Takes ownership of <paramref name="items"/> (sorted in place).</summary>
    internal static Labels FromOwnedArray(Label[] items)
    {
        if (items.Length == 0)
        {
            return Empty;
        }

        // Prometheus sends label sets already sorted: checking is far cheaper than sorting every series.
        var alreadySorted = true;
        for (var i = 1; i < items.Length; i++)
        {
            if (string.CompareOrdinal(items[i - 1].Name, items[i].Name) >= 0)
            {
                alreadySorted = false;
                break;
            }
        }

        if (alreadySorted)
        {
            return new Labels(items);
        }

        // Stable sort keeps the order of duplicates, so "last wins" below is well defined. A label set is small: sorted
        // in place, without LINQ's key, map and iterator arrays (≈ 40 MB of garbage when the first publication at 100k
        // series exported every label set, scale10's trace); a very long one by LINQ's stable sort.
        Label[] sorted;
        if (items.Length <= InPlaceSortMax)
        {
            SortInPlaceStable(items);
            sorted = items;
        }
        else
        {
            sorted = [.. items.OrderBy(l => l.Name, StringComparer.Ordinal)];
        }

        var write = 0;
        for (var read = 0; read < sorted.Length; read++)
        {
            if (write > 0 && string.Equals(sorted[write - 1].Name, sorted[read].Name, StringComparison.Ordinal))
            {
                sorted[write - 1] = sorted[read];
            }
            else
            {
                sorted[write++] = sorted[read];
            }
        }

        return new Labels(write == sorted.Length ? sorted : sorted[..write]);
    }

    private const int InPlaceSortMax = 64;

    // Insertion sort by ordinal name; stable (an equal name never moves past an earlier one), as OrderBy is.
    private static void SortInPlaceStable(Label[] items)
    {
        for (var i = 1; i < items.Length; i++)
        {
            var item = items[i];
            var j = i - 1;
            while (j >= 0 && string.CompareOrdinal(items[j].Name, item.Name) > 0)
            {
                items[j + 1] = items[j];
                j--;
            }

            items[j + 1] = item;
        }
    }

    public string? Get(string name)
    {
        var index = IndexOf(name);
        return index >= 0 ? _items[index].Value : null;
    }

    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>Returns a copy with <paramref name="name"/> set to <paramref name="value"/>.</summary>
    public Labels With(string name, string value)
    {
        var index = IndexOf(name);
        if (index >= 0)
        {
            if (string.Equals(_items[index].Value, value, StringComparison.Ordinal))
            {
                return this;
            }

            var copy = (Label[])_items.Clone();
            copy[index] = new Label(name, value);
            return new Labels(copy);
        }

        var items = new Label[_items.Length + 1];
        _items.CopyTo(items, 0);
        items[^1] = new Label(name, value);
        return FromOwnedArray(items);
    }

    public Labels Without(string name)
    {
        var index = IndexOf(name);
        if (index < 0)
        {
            return this;
        }

        var items = new Label[_items.Length - 1];
        _items.AsSpan(0, index).CopyTo(items);
        _items.AsSpan(index + 1).CopyTo(items.AsSpan(index));
        return new Labels(items);
    }

    /// <summary>Keeps only the named labels (an allow-list); returns this set when nothing is dropped.</summary>
    public Labels Keep(IReadOnlySet<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var kept = _items.Where(l => names.Contains(l.Name)).ToArray();
        return kept.Length == _items.Length ? this : new Labels(kept);
    }

    public bool Equals(Labels? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other._hash != _hash || other._items.Length != _items.Length)
        {
            return false;
        }

        for (var i = 0; i < _items.Length; i++)
        {
            if (!string.Equals(_items[i].Name, other._items[i].Name, StringComparison.Ordinal)
                || !string.Equals(_items[i].Value, other._items[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as Labels);

    public override int GetHashCode() => _hash;

    public ReadOnlySpan<Label> AsSpan() => _items;

    public IEnumerator<Label> GetEnumerator() => ((IEnumerable<Label>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <summary>PromQL selector style, e.g. <c>{instance="a",job="node"}</c>; for logs and tables.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("{");
        for (var i = 0; i < _items.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(_items[i].Name).Append("=\"")
              .Append(_items[i].Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal))
              .Append('"');
        }

        return sb.Append('}').ToString();
    }

    private int IndexOf(string name)
    {
        // Label sets are small (typically < 10): a linear scan beats a binary search here.
        for (var i = 0; i < _items.Length; i++)
        {
            if (string.Equals(_items[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
