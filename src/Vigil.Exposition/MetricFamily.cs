using System.Collections.Concurrent;
using System.Text;
using Vigil.Core.Series;

namespace Vigil.Exposition;

/// <summary>What the registry renders: one named family with its header and samples.</summary>
internal abstract class MetricFamily
{
    protected MetricFamily(string name, string help, MetricType type)
    {
        Name = name;
        Help = help;
        Type = type;
        NameUtf8 = Encoding.UTF8.GetBytes(name);
    }

    public string Name { get; }

    public string Help { get; }

    public MetricType Type { get; }

    public byte[] NameUtf8 { get; }

    public abstract void Write(ExpositionWriter writer);
}

/// <summary>
/// The children of a labelled family: a concurrent map for lock-free lookups on the update path, plus a list
/// in creation order so renders are deterministic. Creation, removal and rendering take one lock; lookups don't.
/// </summary>
internal sealed class ChildSet<TChild>
    where TChild : class
{
    private readonly ConcurrentDictionary<LabelValuesKey, TChild> _byValues = new();
    private readonly List<TChild> _ordered = [];
    private readonly Lock _sync = new();
    private readonly string[] _labelNames;
    private readonly Func<byte[], TChild> _create;

    public ChildSet(string[] labelNames, Func<byte[], TChild> create)
    {
        _labelNames = labelNames;
        _create = create;
        if (labelNames.Length == 0)
        {
            // Exported from the start, so "no events yet" reads as 0 rather than as a missing series.
            Unlabelled = Get([]);
        }
    }

    public TChild? Unlabelled { get; }

    public TChild Get(string[] labelValues)
    {
        var key = CreateKey(labelValues);
        return _byValues.TryGetValue(key, out var child) ? child : Create(labelValues);
    }

    public bool Remove(string[] labelValues)
    {
        var key = CreateKey(labelValues);
        lock (_sync)
        {
            if (!_byValues.TryRemove(key, out var child))
            {
                return false;
            }

            _ordered.Remove(child);
            return true;
        }
    }

    /// <summary>Renders every child under the lock; updates of existing children never wait for it.</summary>
    public void ForEach<TState>(TState state, Action<TState, TChild> action)
    {
        lock (_sync)
        {
            foreach (var child in _ordered)
            {
                action(state, child);
            }
        }
    }

    private TChild Create(string[] labelValues)
    {
        // The caller may reuse its array; the key must own an immutable copy.
        var owned = (string[])labelValues.Clone();
        var key = new LabelValuesKey(owned);
        lock (_sync)
        {
            if (_byValues.TryGetValue(key, out var existing))
            {
                return existing;
            }

            var labels = new Label[_labelNames.Length];
            for (var i = 0; i < labels.Length; i++)
            {
                labels[i] = new Label(_labelNames[i], owned[i]);
            }

            var child = _create(ExpositionWriter.FormatLabelBlock(labels));
            _byValues[key] = child;
            _ordered.Add(child);
            return child;
        }
    }

    private LabelValuesKey CreateKey(string[] labelValues)
    {
        ArgumentNullException.ThrowIfNull(labelValues);
        if (labelValues.Length != _labelNames.Length)
        {
            throw new ArgumentException(
                $"Expected {_labelNames.Length} label values ({string.Join(", ", _labelNames)}) but got {labelValues.Length}.",
                nameof(labelValues));
        }

        foreach (var value in labelValues)
        {
            ArgumentNullException.ThrowIfNull(value, nameof(labelValues));
        }

        return new LabelValuesKey(labelValues);
    }
}
